"""Import a pack into the catalogue (upload or server path) and export the catalogue as a pack archive."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from guifan.engine import InputError, load_pack
from guifan.engine.pack.model import CATEGORIES
from guifan.web.core import access
from guifan.web.standards.forms import PackUploadForm
from guifan.web.standards.models import Standard
from guifan.web.standards.packs import export_zip, import_pack


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_catalogue(request.user):
        raise PermissionDenied
    form = PackUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = len(import_form(request, form))
        except InputError as exc:
            for problem in exc.problems:
                form.add_error(None, str(problem))
        else:
            messages.success(request, _("Imported %(n)d standards.") % {"n": count})
            return redirect("standard-list")
    return render(request, "standards/import.html", {"form": form})


def import_form(request: Any, form: PackUploadForm) -> list[Standard]:
    """Import the pack a valid upload form names (an archive, or a folder on the server)."""
    archive = form.cleaned_data.get("archive")
    if archive is None:
        loaded = load_pack(Path(form.cleaned_data["server_path"]))
        return import_pack(request.user, loaded)
    with tempfile.NamedTemporaryFile(suffix=".zip") as tmp:
        for chunk in archive.chunks():
            tmp.write(chunk)
        tmp.flush()
        loaded = load_pack(Path(tmp.name))
        return import_pack(request.user, loaded, copy_data=True)


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    if not access.can_manage_catalogue(request.user) and access.role_of(request.user) not in access.SEE_ALL:
        raise PermissionDenied
    category = request.GET.get("category") or None
    if category is not None and category not in CATEGORIES:
        category = None
    response = HttpResponse(export_zip(category), content_type="application/zip")
    name = f"guifan-pack-{category or 'all'}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
