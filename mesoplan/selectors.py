"""Reads of staff and of the audit trail that views and the API share, scoped to the
actor (a constant number of queries each)."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet

from mesoplan.auth.lockout import locked_out_usernames
from mesoplan.models import AuditEntry, User
from mesoplan.roles import PRACTICE_ROLES, Role
from mesoplan.tenancy import scoped


def clinicians_for(actor):
    return (
        User.objects.for_actor(actor)
        .filter(role=Role.CLINICIAN, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def staff_for(actor) -> QuerySet[User]:
    """The practice's clinicians and managers, active or not (records keep naming them)."""
    return (
        scoped(User, actor)
        .filter(role__in=PRACTICE_ROLES)
        .order_by("last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class StaffMember:
    user: User
    is_locked_out: bool  # too many failed sign-ins: axes refuses the username now


def staff_with_lockouts(actor) -> list[StaffMember]:
    """The practice's staff, each with whether sign-in is locked out (two queries)."""
    members = list(staff_for(actor))
    locked = locked_out_usernames(m.username for m in members)
    return [StaffMember(m, m.username in locked) for m in members]


def audit_trail_for(
    actor,
    *,
    patient_id: UUID | None = None,
    member_id: UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """The practice's audit entries, newest first; `until` is exclusive."""
    entries = scoped(AuditEntry, actor)
    if patient_id is not None:
        entries = entries.filter(patient_id=patient_id)
    if member_id is not None:
        entries = entries.filter(actor_id=member_id)
    if since is not None:
        entries = entries.filter(at__gte=since)
    if until is not None:
        entries = entries.filter(at__lt=until)
    return entries.order_by("-at", "-id")
