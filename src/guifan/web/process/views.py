"""Process definition pages: list, detail with its diagram, create/edit with the steps, delete, step RACI."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from guifan.web.core import access
from guifan.web.process import checkspec, services
from guifan.web.process.diagram import process_svg
from guifan.web.process.forms import ProcessForm, SequenceCheckForm, StepFormSet, StepRaciForm
from guifan.web.process.models import Process, StepRaci
from guifan.web.process.reality import as_context, reality


def visible_processes(user: Any) -> QuerySet[Process]:
    """The process definitions the user may see: their scope's units' and the company-wide ones."""
    return Process.objects.filter(access.scope_filter(user, "owner_unit")).select_related("owner_unit", "standard")


def _process(request: HttpRequest, code: str) -> Process:
    return access.get_or_404(visible_processes(request.user), code=code)


def _editable(request: HttpRequest, code: str) -> Process:
    process = _process(request, code)
    if not access.can_edit_unit(request.user, process.owner_unit_id):
        raise PermissionDenied
    return process


@login_required
def definition_list(request: HttpRequest) -> HttpResponse:
    processes = visible_processes(request.user).annotate(step_count=Count("steps")).order_by("code")
    query = request.GET.get("q", "").strip()
    if query:
        processes = processes.filter(code__icontains=query) | processes.filter(name__icontains=query)
    context = {"processes": processes, "q": query, "can_create": access.can_edit_some_unit(request.user)}
    return render(request, "process/definition_list.html", context)


@login_required
def definition_detail(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(request, code)
    steps = list(process.steps.select_related("responsible").prefetch_related("raci__person", "raci__position"))
    found = reality(process)
    context = {
        "process": process, "steps": steps, "svg": process_svg(process),
        "reality": found, "step_rows": as_context(found, steps),
        "can_edit": access.can_edit_unit(request.user, process.owner_unit_id),
        "raci_form": StepRaciForm(process=process),
    }  # fmt: skip
    return render(request, "process/definition_detail.html", context)


@login_required
def definition_svg(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(request, code)
    response = HttpResponse(process_svg(process), content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_required
def definition_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    if code is None:
        if not access.can_edit_some_unit(request.user):
            raise PermissionDenied
        process = Process()
    else:
        process = _editable(request, code)
    data = request.POST if request.method == "POST" else None
    form = ProcessForm(data, instance=process, user=request.user)
    formset = StepFormSet(data, instance=process, prefix="steps")
    if data is not None and form.is_valid() and formset.is_valid():
        fields = {name: form.cleaned_data.get(name) for name in services.PROCESS_FIELDS}
        try:
            saved = services.save_process(request.user, process if process.pk else None, fields,
                                          formset.ordered_steps())  # fmt: skip
        except PermissionDenied:
            form.add_error("owner_unit", _("You may not change the processes of this org unit."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Process saved."))
            return redirect("process-definition", code=saved.code)
    context = {"form": form, "formset": formset, "process": process if process.pk else None}
    return render(request, "process/definition_form.html", context)


@login_required
def definition_delete(request: HttpRequest, code: str) -> HttpResponse:
    process = _editable(request, code)
    if request.method == "POST":
        services.delete_process(request.user, process)
        messages.success(request, _("Process deleted."))
        return redirect("process-definitions")
    return render(request, "process/definition_delete.html", {"process": process})


@login_required
@require_POST
def step_raci_add(request: HttpRequest, code: str) -> HttpResponse:
    process = _process(request, code)
    form = StepRaciForm(request.POST, process=process)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.non_field_errors() or form.errors.values()))
    else:
        data = form.cleaned_data
        try:
            services.add_step_raci(request.user, data["step"], data["letter"], person=data["person"],
                                   position=data["position"])  # fmt: skip
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc) or _("You may not do this.")])))
    return redirect("process-definition", code=process.code)


@login_required
@require_POST
def step_raci_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    process = _process(request, code)
    assignment = access.get_or_404(StepRaci.objects.filter(step__process=process), pk=pk)
    try:
        services.remove_step_raci(request.user, assignment)
    except PermissionDenied:
        messages.error(request, _("You may not do this."))
    return redirect("process-definition", code=process.code)


@login_required
def definition_check(request: HttpRequest, code: str) -> HttpResponse:
    """The sequence check written from the definition, as YAML for review; adding it to a draft of the
    process's standard (as a new requirement or replacing a sequence requirement's check)."""
    process = _process(request, code)
    standard = process.standard
    if standard is not None and not access.in_scope(request.user, standard.owner_unit_id):
        standard = None  # a standard the user may not see is not named, nor changed
    version = checkspec.target_version(process) if standard else None
    can_add = standard is not None and access.can_edit_unit(request.user, standard.owner_unit_id)
    replaceable = [(r.code, f"{r.code} {r.display_text[:60]}") for r in (version.requirements.all() if version else [])
                   if (r.check_spec or {}).get("kind") == "sequence"]  # fmt: skip
    problems: list[str] = []
    try:
        generated = checkspec.as_yaml(checkspec.sequence_check_for(process))
    except ValidationError as exc:
        generated, problems = "", exc.messages
    initial = {
        "check_yaml": generated, "code": checkspec.next_code(standard.code, version) if standard else "",
        # the requirement's two texts are in their own languages, whatever the page's language
        "text": f"{process.name}：每个案例按流程定义执行",
        "text_en": f"Cases follow the {process.name_en or process.code} process definition",
    }  # fmt: skip
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        form = SequenceCheckForm(request.POST, replaceable=replaceable)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.add_sequence_check(
                    request.user, process, data["check_yaml"], replace=data["replace"], code=data["code"].strip(),
                    text=data["text"], text_en=data["text_en"], severity=data["severity"],
                )  # fmt: skip
            except PermissionDenied:
                form.add_error(None, _("You may not change this standard."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The check is in requirement %(r)s of draft %(v)s; review it and submit "
                                            "the draft.") % {"r": saved.code, "v": saved.version.number})  # fmt: skip
                return redirect(f"{reverse('standard-detail', args=[standard.code])}?v={saved.version.number}")
    else:
        form = SequenceCheckForm(initial=initial, replaceable=replaceable)
    context = {"process": process, "standard": standard, "version": version, "form": form, "can_add": can_add,
               "problems": problems, "generated": generated}  # fmt: skip
    return render(request, "process/definition_check.html", context)
