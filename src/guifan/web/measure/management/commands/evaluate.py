"""``guifan manage evaluate 2026-01..2026-10 --user admin``: run the catalogue's evaluations from the shell."""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from guifan.engine import InputError
from guifan.engine.periods import parse_periods, zone
from guifan.web.core.models import Catalogue
from guifan.web.measure import services
from guifan.web.measure.models import Evaluation


class Command(BaseCommand):
    help = "Evaluate the catalogue over one or more periods and keep the results (runs in this process)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("periods", help="2026-10, 2026-Q3, 2026, or a range such as 2026-01..2026-10")
        parser.add_argument("--user", required=True, help="the account the evaluations are recorded under")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no account {options['user']!r}")
        try:
            periods = parse_periods(options["periods"], zone(Catalogue.current().timezone))
        except InputError as exc:
            raise CommandError(str(exc)) from exc
        os.environ["GUIFAN_EVAL_SYNC"] = "1"
        evaluations = services.start(user, periods)
        for evaluation in Evaluation.objects.filter(pk__in=[e.pk for e in evaluations]).order_by("end"):
            counts = {
                s: evaluation.results.filter(status=s).count() for s in ("pass", "warn", "fail", "no_data", "error")
            }
            line = " ".join(f"{k} {v}" for k, v in counts.items())
            self.stdout.write(f"{evaluation.label}: {evaluation.state} {evaluation.error or line}")
