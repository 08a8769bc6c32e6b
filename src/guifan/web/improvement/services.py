"""Opening, working and closing findings: one transaction and one audit entry per change, rights enforced here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guifan.web.core import access
from guifan.web.core.audit import record, snapshot
from guifan.web.improvement.models import Action, Finding, FindingStatus, Source

EDITABLE = ("title", "description", "severity", "owner", "due", "root_cause")


def _may_manage(actor: Any, finding: Finding) -> None:
    if not access.can_manage_finding(actor, finding.unit_id, finding.owner_id):
        raise PermissionDenied(_("You may not change this finding."))


def _open_not_closed(finding: Finding) -> None:
    if finding.is_closed:
        raise ValidationError(_("This finding is closed; reopen it first."))


def default_title(result: Any, source: str, key: str) -> str:
    what = {
        Source.FAILURE: _("%(req)s failed in %(period)s"),
        Source.SIGNAL: _("%(req)s: out-of-control signal at %(key)s"),
        Source.DEVIATION: _("%(req)s: case %(key)s deviates from the process"),
        Source.BREACH: _("%(req)s: %(key)s breached the time limit"),
    }.get(source, _("%(req)s in %(period)s"))
    return (what % {"req": result.requirement_code, "period": result.evaluation.label, "key": key})[:200]


def find_open(requirement_code: str, source: str, key: str) -> Finding | None:
    """The finding still open for this requirement, source and record, if any."""
    return (
        Finding.objects.filter(requirement_code=requirement_code, source=source, key=key)
        .filter(status__in=FindingStatus.not_closed)
        .first()
    )


@transaction.atomic
def open_from_result(
    actor: Any, result: Any, *, source: str = Source.FAILURE, key: str = "", title: str = "", note: str = ""
) -> tuple[Finding, bool]:
    """Open a finding about a measured result (or one of its violating records); idempotent while it is open."""
    if source not in Source.from_result:
        raise ValidationError({"source": _("Choose one of: %(choices)s.") % {"choices": ", ".join(Source.from_result)}})
    if not access.can_open_finding(actor, result.unit_id_snapshot):
        raise PermissionDenied(_("You may not open findings here."))
    key = str(key)[:200]
    existing = find_open(result.requirement_code, source, key)
    if existing is not None:
        return existing, False
    requirement = result.requirement
    finding = Finding.objects.create(
        title=(title.strip() or default_title(result, source, key))[:200],
        title_generated=not title.strip(),
        description=note.strip(),
        source=source,
        severity=requirement.severity if requirement is not None else "",
        standard_id=result.standard_id,
        requirement_code=result.requirement_code,
        result=result,
        key=key,
        unit_id=result.unit_id_snapshot,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(actor, "open finding", finding, after=snapshot(finding))
    return finding, True


@transaction.atomic
def open_manual(
    actor: Any, *, title: str, source: str = Source.OTHER, description: str = "", unit: Any = None,
    standard: Any = None, severity: str = "", owner: Any = None, due: date | None = None,
) -> Finding:  # fmt: skip
    """Open a finding that did not come from a measurement: an audit, feedback, an observation."""
    unit_id = unit.pk if unit is not None else (standard.owner_unit_id if standard is not None else None)
    if not access.can_open_finding(actor, unit_id):
        raise PermissionDenied(_("You may not open findings here."))
    if not title.strip():
        raise ValidationError({"title": _("Give the finding a title.")})
    finding = Finding.objects.create(
        title=title.strip()[:200], description=description, source=source, severity=severity,
        standard=standard, unit_id=unit_id, owner=owner, due=due,
        opened_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    record(actor, "open finding", finding, after=snapshot(finding))
    return finding


@transaction.atomic
def update(actor: Any, finding: Finding, **changes: Any) -> Finding:
    """Change a finding's title, description, severity, owner, due date or root cause."""
    _may_manage(actor, finding)
    _open_not_closed(finding)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    before = snapshot(finding)
    if "title" in changes and changes["title"] != finding.display_title:
        finding.title_generated = False  # someone wrote their own
    for name, value in changes.items():
        setattr(finding, name, value)
    finding.save()
    record(actor, "edit finding", finding, before=before, after=snapshot(finding))
    return finding


@transaction.atomic
def add_action(actor: Any, finding: Finding, *, kind: str, description: str, owner: Any = None,
               due: date | None = None) -> Action:  # fmt: skip
    _may_manage(actor, finding)
    _open_not_closed(finding)
    if not description.strip():
        raise ValidationError({"description": _("Say what will be done.")})
    action = Action.objects.create(finding=finding, kind=kind, description=description.strip(), owner=owner, due=due)
    if finding.status == FindingStatus.OPEN:
        finding.status = FindingStatus.ACTING
        finding.save(update_fields=["status"])
    record(actor, "add action", action, after=snapshot(action))
    return action


@transaction.atomic
def complete_action(actor: Any, action: Action, *, outcome: str) -> Action:
    """Mark an action done, saying what was done; its owner may do this as well as the finding's managers."""
    finding = action.finding
    is_owner = action.owner_id is not None and action.owner_id == getattr(actor, "pk", None)
    if not is_owner:
        _may_manage(actor, finding)
    _open_not_closed(finding)
    if action.is_done:
        raise ValidationError(_("This action is already done."))
    if not outcome.strip():
        raise ValidationError({"outcome": _("Say what was done and what it achieved.")})
    before = snapshot(action)
    action.done_at, action.done_by, action.outcome = timezone.now(), actor, outcome.strip()
    action.save()
    record(actor, "complete action", action, before=before, after=snapshot(action))
    return action


@transaction.atomic
def close(actor: Any, finding: Finding, *, note: str) -> Finding:
    """Close a finding once every action is done; the note says why it is resolved."""
    _may_manage(actor, finding)
    _open_not_closed(finding)
    pending = finding.actions.filter(done_at__isnull=True).count()
    if pending:
        raise ValidationError(_("%(n)d actions are not done yet; complete them before closing.") % {"n": pending})
    if not note.strip():
        raise ValidationError({"closure_note": _("Say why the finding can be closed.")})
    before = snapshot(finding)
    finding.status, finding.closed_at, finding.closed_by = FindingStatus.CLOSED, timezone.now(), actor
    finding.closure_note = note.strip()
    finding.save()
    record(actor, "close finding", finding, before=before, after=snapshot(finding))
    return finding


@transaction.atomic
def reopen(actor: Any, finding: Finding, *, reason: str) -> Finding:
    _may_manage(actor, finding)
    if not finding.is_closed:
        raise ValidationError(_("This finding is not closed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the finding is reopened.")})
    before = snapshot(finding)
    busy = finding.actions.exists()
    finding.status = FindingStatus.ACTING if busy else FindingStatus.OPEN
    finding.closed_at, finding.closed_by = None, None
    finding.description = f"{finding.description}\n\n{_('Reopened')}: {reason.strip()}".strip()
    finding.save()
    record(actor, "reopen finding", finding, before=before, after=snapshot(finding))
    return finding
