"""Quality control pages: the characteristics of every spc requirement, a control chart per characteristic with
its exclusions, its capability report, and a requirement's chart settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guifan.engine import InputError
from guifan.engine.spc.points import NoPointsError
from guifan.web.core import access
from guifan.web.quality import queries, services
from guifan.web.quality.forms import ExclusionForm, SettingsForm
from guifan.web.quality.models import Exclusion
from guifan.web.standards.models import VersionStatus
from guifan.web.standards.packs import measured_version

SIGNALS_PER_PAGE = 50  # signal rows on a page of a chart's signals table, the latest first


def _rule_name(rule: str) -> str:
    return str(queries.RULES[rule][0]) if rule in queries.RULES else rule


def _rule_order(rule: str) -> tuple[int, str]:
    """Rules in the order of their descriptions (we1..we4, nelson1..8, then the other charts)."""
    order = list(queries.RULES)
    return (order.index(rule) if rule in order else len(order), rule)


@login_required
def characteristics(request: HttpRequest) -> HttpResponse:
    requirement = request.GET.get("requirement", "")
    text = request.GET.get("q", "")
    latest = queries.latest_results(request.user)
    rows = queries.characteristic_rows(request.user, requirement, text)
    context = {"rows": rows, "results": latest, "requirement": requirement, "q": text}
    return render(request, "quality/characteristics.html", context)


def chart_url(name: str, code: str, key: str, evaluation: int | None = None) -> str:
    query = {"key": key} | ({"evaluation": str(evaluation)} if evaluation else {})
    return f"{reverse(name, args=[code])}?{urlencode(query)}"


def _result(request: HttpRequest, code: str) -> Any:
    result = queries.result_for(request.user, code, request.GET.get("evaluation") or request.POST.get("evaluation"))
    if result is None:
        raise Http404
    return result


def _drawn(result: Any, key: str) -> tuple[dict[str, Any] | None, str, bool]:
    """The chart data, or the error in the reader's language, and whether the error is 'no points'."""
    try:
        return queries.chart_data(result, key), "", False
    except NoPointsError:
        message = _("“%(key)s” has no points in %(period)s.") % {"key": key, "period": result.evaluation.label}
        return None, message, True
    except InputError as exc:
        return None, str(exc), False


def _without_key(request: HttpRequest, name: str, code: str, result: Any) -> HttpResponse | None:
    """Asked without ``?key=``: to the worst characteristic of the result (the engine stores them worst first), or
    to the requirement's characteristics when the result charted none."""
    if "key" in request.GET:
        return None
    charts = (result.details or {}).get("charts") or []
    if charts:
        return redirect(chart_url(name, code, str(charts[0].get("key", "")), result.evaluation_id))
    return redirect(f"{reverse('quality-characteristics')}?{urlencode({'requirement': code})}")


def _periods(request: HttpRequest, code: str) -> list[Any]:
    results = queries.spc_results(request.user).filter(requirement_code=code).select_related("evaluation")
    return list(results.order_by(*queries.LATEST)[:36])


@login_required
def chart(request: HttpRequest, code: str) -> HttpResponse:
    result = _result(request, code)
    if (moved := _without_key(request, "quality-chart", code, result)) is not None:
        return moved
    key = request.GET.get("key", "")
    data, error, no_points = _drawn(result, key)
    exclusions = Exclusion.objects.filter(requirement_code=code, characteristic=key).select_related("created_by")
    may_exclude = services.can_exclude(request.user, code)
    form = ExclusionForm(initial={"characteristic": key})
    signals: list[dict[str, Any]] = []
    by_rule: dict[str, int] = {}
    rule = request.GET.get("rule", "")
    if data is not None:
        points = data["points"]
        for i, rules in enumerate(data["flags"]):
            for r in rules:
                by_rule[r] = by_rule.get(r, 0) + 1
            if rules and (not rule or rule in rules):
                sub = points["key"][i]
                named = list(zip(map(_rule_name, rules), data["hover"][i], strict=True))
                signals.append({"subgroup": sub, "full": f"{key}|{sub}" if key else sub, "rules": named,
                                "stat": points["stat"][i]})  # fmt: skip
    page = Paginator(signals[::-1], SIGNALS_PER_PAGE).get_page(request.GET.get("page"))
    flagged = sum(1 for rules in data["flags"] if rules) if data is not None else 0
    rule_choices = [(r, queries.rule_text(r), n) for r, n in sorted(by_rule.items(), key=lambda rn: _rule_order(rn[0]))]
    context = {
        "result": result, "key": key, "data": data, "error": error, "no_points": no_points, "exclusions": exclusions,
        "form": form,
        "may_exclude": may_exclude, "signals": page.object_list, "page": page, "signals_total": flagged,
        "rule": rule, "rule_choices": rule_choices,
        "periods": _periods(request, code),
        "capability_url": chart_url("quality-capability", code, key, result.evaluation_id),
        "settings_url": reverse("quality-settings", args=[code]),
        "rule_texts": {r: queries.rule_text(r) for r in queries.RULES},
    }  # fmt: skip
    return render(request, "quality/chart.html", context)


@login_required
def capability(request: HttpRequest, code: str) -> HttpResponse:
    result = _result(request, code)
    if (moved := _without_key(request, "quality-capability", code, result)) is not None:
        return moved
    key = request.GET.get("key", "")
    data, error, no_points = _drawn(result, key)
    indices = []
    if data is not None and data.get("capability"):
        cap = data["capability"]
        pairs = (("cp", "pp"), ("cpl", "ppl"), ("cpu", "ppu"), ("cpk", "ppk"), ("cpm", None))
        indices = [(c.capitalize(), cap.get(c), (p or "").capitalize(), cap.get(p) if p else None) for c, p in pairs]
    context = {
        "result": result, "key": key, "data": data, "error": error, "no_points": no_points, "indices": indices,
        "chart_url": chart_url("quality-chart", code, key, result.evaluation_id),
        "periods": _periods(request, code) if no_points else [],
    }  # fmt: skip
    return render(request, "quality/capability.html", context)


@login_required
@require_POST
def exclusion_add(request: HttpRequest, code: str) -> HttpResponse:
    result = _result(request, code)
    form = ExclusionForm(request.POST)
    key = request.POST.get("characteristic", "")
    back = chart_url("quality-chart", code, key, result.evaluation_id)
    if not services.can_exclude(request.user, code):
        raise PermissionDenied
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.exclude(request.user, code, data["characteristic"], data["subgroup"], data["reason"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Subgroup %(key)s is left out of the limits.") % {"key": data["subgroup"]})
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for message in errors:
                messages.error(request, f"{label}: {message}" if label else message)
    return redirect(back)


@login_required
@require_POST
def exclusion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    exclusion = access.get_or_404(Exclusion.objects.all(), pk=pk)
    result = queries.result_for(request.user, exclusion.requirement_code, request.POST.get("evaluation"))
    if result is None:
        raise Http404
    services.include(request.user, exclusion)  # PermissionDenied for those who may not
    messages.success(request, _("Subgroup %(key)s is back in the limits.") % {"key": exclusion.subgroup})
    return redirect(chart_url("quality-chart", exclusion.requirement_code, exclusion.characteristic,
                              result.evaluation_id))  # fmt: skip


@login_required
def settings(request: HttpRequest, code: str) -> HttpResponse:
    standard = services.standard_of(code)
    if standard is None or not access.in_scope(request.user, standard.owner_unit_id):
        raise Http404
    measured = measured_version(standard)
    requirement = measured.requirements.filter(code=code).first() if measured else None
    if requirement is None or not requirement.check_spec or requirement.check_spec.get("kind") != "spc":
        raise Http404
    draft = standard.versions.filter(status=VersionStatus.DRAFT).order_by("-created").first()
    in_draft = draft.requirements.filter(code=code).first() if draft else None
    shown = in_draft.check_spec if in_draft and in_draft.check_spec else requirement.check_spec
    may_edit = access.can_edit_unit(request.user, standard.owner_unit_id)
    form = SettingsForm(request.POST or None, check=shown)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                saved = services.save_settings(request.user, code, form.cleaned_data["check"])
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved in draft %(number)s. Submit it for review to measure with it.")
                                 % {"number": saved.version.number})  # fmt: skip
                return redirect("quality-settings", code=code)
    context = {
        "code": code, "standard": standard, "requirement": requirement, "measured": measured, "draft": draft,
        "in_draft": in_draft, "check": requirement.check_spec, "shown": shown, "form": form, "may_edit": may_edit,
    }  # fmt: skip
    return render(request, "quality/settings.html", context)
