"""Catalogue pages: list, standard, version, diff, drafts and their lifecycle, packs in and out."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from guifan.engine.pack.model import CATEGORIES
from guifan.web.core import access
from guifan.web.measure.models import Result
from guifan.web.measure.queries import LATEST_FIRST
from guifan.web.org.forms import RaciForm
from guifan.web.standards import services
from guifan.web.standards.forms import DraftForm, RequirementForm
from guifan.web.standards.models import Attachment, Requirement, Standard, StandardVersion, VersionStatus, category_name


def visible_standards(user: Any) -> QuerySet[Standard]:
    return Standard.objects.filter(access.scope_filter(user, "owner_unit")).select_related("current", "owner_unit")


@login_required
def standard_list(request: HttpRequest) -> HttpResponse:
    standards = visible_standards(request.user)
    category = request.GET.get("category", "")
    if category in CATEGORIES:
        standards = standards.filter(category=category)
    query = request.GET.get("q", "").strip()
    if query:
        standards = standards.filter(code__icontains=query) | standards.filter(current__title__icontains=query)
    due = request.GET.get("due", "")
    today = timezone.localdate()
    if due == "overdue":
        standards = standards.filter(current__next_review__lt=today)
    elif due == "due":
        standards = standards.filter(current__next_review__lte=today + timezone.timedelta(days=30))
    categories = [(key, category_name(key)) for key in CATEGORIES]
    page = Paginator(standards.order_by("code"), 100).get_page(request.GET.get("page"))
    context = {"standards": page, "page": page, "categories": categories, "category": category,
               "q": query, "due": due, "today": today}  # fmt: skip
    return render(request, "standards/list.html", context)


def _standard(request: HttpRequest, code: str) -> Standard:
    return access.get_or_404(visible_standards(request.user), code=code)


@login_required
def standard_detail(request: HttpRequest, code: str) -> HttpResponse:
    standard = _standard(request, code)
    versions = standard.versions.select_related("author", "approver").order_by("-created", "-id")
    shown = _shown_version(standard, request.GET.get("v"))
    requirements = shown.requirements.all() if shown else Requirement.objects.none()
    latest = _latest_results(standard)
    rows = [(r, latest.get(r.code, [])) for r in requirements]
    context = {
        "standard": standard, "versions": versions, "version": shown, "rows": rows,
        "can_edit": access.can_edit_unit(request.user, standard.owner_unit_id),
        "can_approve": access.can_manage_catalogue(request.user),
        "acknowledged": shown is not None and shown.acknowledgements.filter(user=request.user).exists(),
        "can_assign_raci": access.can_assign_raci(request.user, standard),
        "raci": standard.raci.select_related("person", "position"),
        "raci_form": RaciForm(),
        "attachments": shown.attachments.all() if shown else [],
        "ack": services.acknowledgement_coverage(shown) if shown and shown.status == VersionStatus.EFFECTIVE else None,
        "processes": _processes(request.user, standard),
    }  # fmt: skip
    return render(request, "standards/detail.html", context)


def _processes(user: Any, standard: Standard) -> QuerySet[Any]:
    """The standard's process definitions that the user may see (each scoped by its own owner unit)."""
    from django.db.models import Count

    visible = standard.processes.filter(access.scope_filter(user, "owner_unit"))
    return visible.annotate(step_count=Count("steps")).order_by("code")


def _shown_version(standard: Standard, number: str | None) -> StandardVersion | None:
    if number:
        return standard.versions.filter(number=number).first()
    return standard.current or standard.versions.order_by("-created", "-id").first()


def _latest_results(standard: Standard) -> dict[str, list[Result]]:
    """Per requirement code, its results in the latest 12 monthly evaluations, oldest first."""
    results = (
        Result.objects.filter(standard=standard, evaluation__state="done")
        .select_related("evaluation")
        .order_by(*LATEST_FIRST)[:400]
    )
    out: dict[str, list[Result]] = {}
    for r in results:
        out.setdefault(r.requirement_code, []).append(r)
    return {k: list(reversed(v[:12])) for k, v in out.items()}


@login_required
def version_diff(request: HttpRequest, code: str) -> HttpResponse:
    standard = _standard(request, code)
    left = standard.versions.filter(number=request.GET.get("a")).first()
    right = standard.versions.filter(number=request.GET.get("b")).first()
    rows = _diff_rows(_as_text(left), _as_text(right)) if left and right else []
    versions = standard.versions.order_by("created")
    return render(request, "standards/diff.html", {"standard": standard, "left": left, "right": right,
                                                    "rows": rows, "versions": versions})  # fmt: skip


def _as_text(version: StandardVersion | None) -> list[str]:
    if version is None:
        return []
    lines = [f"# {version.title}", version.title_en, "", *version.body.splitlines(), ""]
    for r in version.requirements.all():
        lines += [f"{r.code} [{r.severity}] {r.text}", f"  {r.text_en}" if r.text_en else ""]
        if r.check_spec:
            lines.append(f"  check: {r.check_spec}")
    return lines


def _diff_rows(a: list[str], b: list[str]) -> list[tuple[str, str, str]]:
    """Side-by-side rows (left, right, kind) where kind is same, del, add or change."""
    rows: list[tuple[str, str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            lt = left[k] if k < len(left) else ""
            rt = right[k] if k < len(right) else ""
            rows.append((lt, rt, "same" if tag == "equal" else "change"))
    return rows


def _act(request: HttpRequest, code: str, action: Any, done: str) -> HttpResponse:
    standard = _standard(request, code)
    version = access.get_or_404(standard.versions.all(), number=request.POST.get("version"))
    try:
        result = action(request.user, version)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
        if isinstance(result, StandardVersion):
            return redirect(f"{standard_url(standard)}?v={result.number}")
    return redirect(f"{standard_url(standard)}?v={version.number}")


def standard_url(standard: Standard) -> str:
    from django.urls import reverse

    return reverse("standard-detail", args=[standard.code])


# The lifecycle actions a version page posts: URL action -> (service, message when it succeeds).
TRANSITIONS: dict[str, tuple[Any, Any]] = {
    "draft": (services.new_draft, gettext_lazy("A new draft was created.")),
    "submit": (services.submit, gettext_lazy("Submitted for review.")),
    "approve": (services.approve, gettext_lazy("Approved.")),
    "send-back": (services.send_back, gettext_lazy("Sent back to the author.")),
    "effective": (services.make_effective, gettext_lazy("The version is now effective.")),
    "acknowledge": (services.acknowledge, gettext_lazy("Thank you: your acknowledgement is recorded.")),
}


@login_required
@require_POST
def transition(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Move a version through its lifecycle (the service enforces who may, and from which state)."""
    service, done = TRANSITIONS[action]
    return _act(request, code, service, str(done))


def _draft(request: HttpRequest, code: str, number: str) -> StandardVersion:
    standard = _standard(request, code)
    version: StandardVersion = access.get_or_404(standard.versions.all(), number=number)
    if not access.can_edit_unit(request.user, standard.owner_unit_id):
        raise PermissionDenied
    return version


@login_required
def edit_draft(request: HttpRequest, code: str, number: str) -> HttpResponse:
    version = _draft(request, code, number)
    form = DraftForm(request.POST or None, instance=version, initial={"lock_version": version.lock_version})
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k != "lock_version"}
        try:
            saved = services.update_draft(request.user, version.pk, form.cleaned_data["lock_version"], changes)
        except services.ConflictError as exc:
            form.add_error(None, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect(f"{standard_url(saved.standard)}?v={saved.number}")
    return render(request, "standards/edit.html", {"form": form, "version": version})


@login_required
def edit_requirement(request: HttpRequest, code: str, number: str, req: str | None = None) -> HttpResponse:
    version = _draft(request, code, number)
    instance = access.get_or_404(version.requirements.all(), code=req) if req else Requirement(version=version)
    form = RequirementForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_requirement(request.user, version, form)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Requirement saved."))
            return redirect(f"{standard_url(version.standard)}?v={version.number}")
    return render(request, "standards/requirement_form.html", {"form": form, "version": version})


@login_required
@require_POST
def attach(request: HttpRequest, code: str) -> HttpResponse:
    standard = _standard(request, code)
    version = access.get_or_404(standard.versions.all(), number=request.POST.get("version"))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            services.add_attachment(request.user, version, upload)
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not do this."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("File attached."))
    return redirect(f"{standard_url(standard)}?v={version.number}")


@login_required
def attachment(request: HttpRequest, code: str, pk: int) -> FileResponse:
    standard = _standard(request, code)
    item: Attachment = access.get_or_404(Attachment.objects.filter(version__standard=standard), pk=pk)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)
