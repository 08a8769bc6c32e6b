"""Who may see and change what. Every view and API endpoint asks here; nothing else decides.

Scoping is by org unit: a department manager and staff see their unit and the units below it (and standards
that belong to no unit, which apply company-wide); administrators, standards managers, auditors and read-only
users see everything. Changes: administrators everything; standards managers the catalogue; department
managers the standards of their units; auditors only audit records (they may open findings); staff and
read-only users nothing but their own acknowledgements and the findings and actions they own. The
organisation itself (org units, positions, people and their logins) is changed by administrators only;
RACI assignments by whoever may edit the standard they belong to.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from guifan.web.core.models import Profile, Role

SEE_ALL: set[str] = {Role.ADMIN, Role.STANDARDS_MANAGER, Role.AUDITOR, Role.READ_ONLY}
MANAGE_CATALOGUE: set[str] = {Role.ADMIN, Role.STANDARDS_MANAGER}


def _profile(user: Any) -> Profile | None:
    """The user's profile, fetched once per request (cached on the user object)."""
    if not hasattr(user, "_guifan_profile"):
        user._guifan_profile = Profile.objects.filter(user=user).first()
    return user._guifan_profile


def role_of(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = _profile(user)
    return str(profile.role) if profile else Role.READ_ONLY


def unit_scope(user: Any) -> set[int] | None:
    """Ids of the org units the user is scoped to (with their descendants), or None for everything.
    Computed once per request (cached on the user object)."""
    if not hasattr(user, "_guifan_scope"):
        user._guifan_scope = _unit_scope(user)
    return user._guifan_scope


def _unit_scope(user: Any) -> set[int] | None:
    role = role_of(user)
    if role is None:
        return set()
    if role in SEE_ALL:
        return None
    profile = _profile(user)
    if profile is None or profile.unit_id is None:
        return set()
    from guifan.web.org.models import OrgUnit

    return OrgUnit.subtree_ids(profile.unit_id)


def in_scope(user: Any, unit_id: int | None) -> bool:
    scope = unit_scope(user)
    return scope is None or unit_id is None or unit_id in scope


def scope_filter(user: Any, unit_field: str) -> Q:
    """A filter keeping rows whose ``unit_field`` is in the user's scope (or company-wide)."""
    scope = unit_scope(user)
    if scope is None:
        return Q()
    return Q(**{f"{unit_field}__in": scope}) | Q(**{f"{unit_field}__isnull": True})


def can_manage_catalogue(user: Any) -> bool:
    return role_of(user) in MANAGE_CATALOGUE


def can_edit_unit(user: Any, unit_id: int | None) -> bool:
    """Edit the standards (and results) of an org unit."""
    role = role_of(user)
    if role in MANAGE_CATALOGUE:
        return True
    return role == Role.DEPARTMENT_MANAGER and unit_id is not None and in_scope(user, unit_id)


def can_edit_some_unit(user: Any) -> bool:
    """Whether there is any org unit whose objects the user may edit (to offer "New" on a page)."""
    return role_of(user) in {Role.ADMIN, Role.STANDARDS_MANAGER, Role.DEPARTMENT_MANAGER}


def can_run_evaluations(user: Any) -> bool:
    return role_of(user) in {Role.ADMIN, Role.STANDARDS_MANAGER, Role.DEPARTMENT_MANAGER}


def can_open_finding(user: Any, unit_id: int | None) -> bool:
    """Open a finding about a result or record of an org unit (auditors too: findings are audit records)."""
    role = role_of(user)
    if role in MANAGE_CATALOGUE or role == Role.AUDITOR:
        return True
    return role == Role.DEPARTMENT_MANAGER and in_scope(user, unit_id)


def can_manage_finding(user: Any, unit_id: int | None, owner_id: int | None = None) -> bool:
    """Change a finding, plan and verify its actions, close it: those who may edit its unit, and its owner."""
    if owner_id is not None and getattr(user, "pk", None) == owner_id and in_scope(user, unit_id):
        return True
    return can_edit_unit(user, unit_id)


def can_manage_org(user: Any) -> bool:
    """Add, change or delete org units, positions and people (and link people to logins)."""
    return role_of(user) == Role.ADMIN


def can_assign_raci(user: Any, standard: Any) -> bool:
    """Add, change or remove the RACI assignments of a standard: whoever may edit the standard."""
    return can_edit_unit(user, standard.owner_unit_id)


def can_read_history(user: Any) -> bool:
    """Read an object's audit trail (its History): those who see everything."""
    return role_of(user) in SEE_ALL


def can_read_audit_log(user: Any) -> bool:
    """Read the audit trail of any object and the whole audit log."""
    return role_of(user) in {Role.ADMIN, Role.AUDITOR}


def can_admin(user: Any) -> bool:
    return role_of(user) == Role.ADMIN


def get_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    """The object if it exists *and* the (already scoped) queryset lets the user see it; 404 either way."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
