"""``guifan serve`` and ``guifan manage``: the web application from the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guifan.web.site.settings")
    import django

    django.setup()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--prod", is_flag=True, help="Serve with gunicorn (production) instead of the development server.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers, with --prod.")
def serve(host: str, port: int, prod: bool, workers: int) -> None:
    """Serve the web application (migrating the database first)."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if prod:
        call_command("collectstatic", verbosity=0, interactive=False)
        os.execvp(  # noqa: S606 - replaces this process with gunicorn, arguments built here
            sys.executable,
            [
                sys.executable,
                "-m",
                "gunicorn",
                "guifan.web.site.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                str(workers),
            ],
        )
    call_command("runserver", f"{host}:{port}", use_reloader=False)


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run a Django management command (migrate, createsuperuser, …)."""
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["guifan manage", *args])


def load_and_serve(pack_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Load the demo company into the web app, print the accounts, serve."""
    os.environ.setdefault("GUIFAN_EVAL_SYNC", "1")
    setup_django()
    from django.core.management import call_command

    from guifan.web.demo_site import PASSWORD, load

    click.echo("loading the demo company into the web application (a year of evaluations)…", err=True)
    accounts = load(pack_dir)
    click.echo(f"\n示例公司 is served at http://{host}:{port}/  — demo accounts (password {PASSWORD}, demo only):")
    for account in accounts:
        click.echo(f"  {account.username:<10} {account.note}")
    click.echo("")
    call_command("runserver", f"{host}:{port}", use_reloader=False)
