"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from guifan.web.core import access
from guifan.web.core.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "user_role": Role.label(access.role_of(user)),
        "can_manage_catalogue": access.can_manage_catalogue(user),
        "can_run_evaluations": access.can_run_evaluations(user),
        "can_admin": access.can_admin(user),
        "can_manage_org": access.can_manage_org(user),
        "can_read_audit_log": access.can_read_audit_log(user),
        "can_read_history": access.can_read_history(user),
    }
