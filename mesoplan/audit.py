"""The audit trail: one mechanism through which every write, and every read of a clinical
record, says who did what to which record, when, and from which client address.

Services call `record(...)` inside their transaction, so an entry exists exactly when
the change committed. The client address comes from the request being served
(`AuditContextMiddleware` puts it in a context variable), so services need no request.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from .models import AuditEntry
from .tenancy import Actor, scope_of

_client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "mesoplan_audit_client_address", default=None
)


class Action:
    """Audit action codes: `<object>.<verb>`, stable (filters and reports use them)."""

    PATIENT_CREATE = "patient.create"
    PATIENT_UPDATE = "patient.update"
    PATIENT_VIEW = "patient.view"
    SCREENING_CREATE = "screening.create"
    SCREENING_VIEW = "screening.view"
    SCREENING_LIST = "screening.list"
    SCREENING_ACKNOWLEDGE = "screening.acknowledge"
    SCREENING_CARRY_FORWARD = "screening.carry_forward"
    COURSE_BOOK = "course.book"
    COURSE_REPLAN = "course.replan"
    COURSE_END = "course.end"
    APPOINTMENT_BOOK = "appointment.book"
    APPOINTMENT_RESCHEDULE = "appointment.reschedule"
    APPOINTMENT_CANCEL = "appointment.cancel"
    APPOINTMENT_PERFORMED_EARLIER = "appointment.performed_earlier"
    APPOINTMENT_CHECK_IN = "appointment.check_in"
    APPOINTMENT_UNDO_CHECK_IN = "appointment.undo_check_in"
    APPOINTMENT_NO_SHOW = "appointment.no_show"
    APPOINTMENT_UNDO_NO_SHOW = "appointment.undo_no_show"
    APPOINTMENT_DONE = "appointment.done"
    APPOINTMENT_REBOOK = "appointment.rebook"
    OPENING_HOURS_SET = "opening_hours.set"
    CLOSURE_ADD = "closure.add"
    CLOSURE_REMOVE = "closure.remove"
    WORKING_HOURS_SET = "working_hours.set"
    ABSENCE_ADD = "absence.add"
    ABSENCE_REMOVE = "absence.remove"
    KIND_LENGTHS_SET = "kind_lengths.set"
    STAFF_CREATE = "staff.create"
    STAFF_UPDATE = "staff.update"
    STAFF_DEACTIVATE = "staff.deactivate"
    STAFF_REACTIVATE = "staff.reactivate"
    STAFF_PASSWORD_RESET = "staff.password_reset"
    STAFF_UNLOCK = "staff.unlock"
    STAFF_SECOND_FACTOR_RESET = "staff.second_factor_reset"
    SECOND_FACTOR_POLICY_SET = "practice.second_factor_policy"
    SECOND_FACTOR_ENROL = "second_factor.enrol"
    SECOND_FACTOR_REMOVE = "second_factor.remove"
    SECOND_FACTOR_PASSKEY_ADD = "second_factor.passkey_add"
    SECOND_FACTOR_RECOVERY_CODE_USED = "second_factor.recovery_code_used"
    SECOND_FACTOR_RECOVERY_CODES_RENEWED = "second_factor.recovery_codes_renewed"
    PASSWORD_CHANGE = "password.change"
    API_TOKEN_ISSUE = "api_token.issue"
    API_TOKEN_REVOKE = "api_token.revoke"
    PHOTO_CONSENT_RECORD = "photo_consent.record"
    LOT_CREATE = "lot.create"
    LOT_RECALL_VIEW = "lot.recall_view"
    LOT_RECALL_EXPORT = "lot.recall_export"
    EQUIPMENT_SET = "equipment.set"
    SESSION_CHECK = "session.check"
    SESSION_RECORD = "session.record"
    SESSION_AMEND = "session.amend"
    SESSION_VIEW = "session.view"
    ADVERSE_EVENT_RECORD = "adverse_event.record"
    ADVERSE_EVENT_FOLLOW_UP = "adverse_event.follow_up"
    MEASURE_RECORD = "measure.record"
    PHOTO_UPLOAD = "photo.upload"
    PHOTO_VIEW = "photo.view"
    SURVEY_RECORD = "survey.record"
    SURVEY_LINK_CREATE = "survey_link.create"
    SURVEY_LINK_REVOKE = "survey_link.revoke"
    WEBHOOK_CREATE = "webhook.create"
    WEBHOOK_UPDATE = "webhook.update"
    WEBHOOK_DELETE = "webhook.delete"
    WEBHOOK_ROTATE = "webhook.rotate_secret"
    WEBHOOK_REDELIVER = "webhook.redeliver"
    WEBHOOK_DISABLED = "webhook.disabled"

    LABELS = {
        PATIENT_CREATE: "Patient added",
        PATIENT_UPDATE: "Patient details changed",
        PATIENT_VIEW: "Patient record opened",
        SCREENING_CREATE: "Screening recorded",
        SCREENING_VIEW: "Screening opened",
        SCREENING_LIST: "Screenings listed",
        SCREENING_ACKNOWLEDGE: "Caution acknowledged",
        SCREENING_CARRY_FORWARD: "Check finding carried into the screening",
        COURSE_BOOK: "Course booked",
        COURSE_REPLAN: "Course re-planned from its latest session",
        COURSE_END: "Course ended early",
        APPOINTMENT_BOOK: "Appointment booked",
        APPOINTMENT_RESCHEDULE: "Appointment moved",
        APPOINTMENT_CANCEL: "Appointment cancelled",
        APPOINTMENT_PERFORMED_EARLIER: "Appointment moved to when it was performed",
        APPOINTMENT_CHECK_IN: "Patient checked in",
        APPOINTMENT_UNDO_CHECK_IN: "Check-in undone",
        APPOINTMENT_NO_SHOW: "Marked as no-show",
        APPOINTMENT_UNDO_NO_SHOW: "No-show undone",
        APPOINTMENT_DONE: "Consultation marked done",
        APPOINTMENT_REBOOK: "Cancelled session booked again",
        OPENING_HOURS_SET: "Opening hours changed",
        CLOSURE_ADD: "Closure added",
        CLOSURE_REMOVE: "Closure removed",
        WORKING_HOURS_SET: "Working hours changed",
        ABSENCE_ADD: "Absence added",
        ABSENCE_REMOVE: "Absence removed",
        KIND_LENGTHS_SET: "Appointment lengths changed",
        STAFF_CREATE: "Staff account added",
        STAFF_UPDATE: "Staff account changed",
        STAFF_DEACTIVATE: "Staff account deactivated",
        STAFF_REACTIVATE: "Staff account reactivated",
        STAFF_PASSWORD_RESET: "Password reset",
        STAFF_UNLOCK: "Sign-in unlocked",
        STAFF_SECOND_FACTOR_RESET: "Second factor reset",
        SECOND_FACTOR_POLICY_SET: "Second-factor rule of the practice changed",
        SECOND_FACTOR_ENROL: "Second factor set up",
        SECOND_FACTOR_REMOVE: "Second factor switched off",
        SECOND_FACTOR_PASSKEY_ADD: "Passkey added",
        SECOND_FACTOR_RECOVERY_CODE_USED: "Signed in with a recovery code",
        SECOND_FACTOR_RECOVERY_CODES_RENEWED: "New recovery codes issued",
        PASSWORD_CHANGE: "Password changed",
        API_TOKEN_ISSUE: "API token issued",
        API_TOKEN_REVOKE: "API token revoked",
        PHOTO_CONSENT_RECORD: "Photography consent recorded",
        LOT_CREATE: "Product lot registered",
        LOT_RECALL_VIEW: "Lot recipients listed",
        LOT_RECALL_EXPORT: "Lot recipients exported",
        EQUIPMENT_SET: "Equipment changed",
        SESSION_CHECK: "Pre-session check recorded",
        SESSION_RECORD: "Session recorded",
        SESSION_AMEND: "Session record amended",
        SESSION_VIEW: "Session record opened",
        ADVERSE_EVENT_RECORD: "Adverse event recorded",
        ADVERSE_EVENT_FOLLOW_UP: "Adverse event followed up",
        MEASURE_RECORD: "Outcome measures recorded",
        PHOTO_UPLOAD: "Photo added",
        PHOTO_VIEW: "Photo viewed",
        SURVEY_RECORD: "Survey recorded",
        SURVEY_LINK_REVOKE: "Survey link replaced",
        SURVEY_LINK_CREATE: "Survey link handed out",
        WEBHOOK_CREATE: "Webhook endpoint added",
        WEBHOOK_UPDATE: "Webhook endpoint changed",
        WEBHOOK_DELETE: "Webhook endpoint removed",
        WEBHOOK_ROTATE: "Webhook secret rotated",
        WEBHOOK_REDELIVER: "Webhook message sent again",
        WEBHOOK_DISABLED: "Webhook endpoint disabled after failures",
    }

    @classmethod
    def label(cls, code: str) -> str:
        return cls.LABELS.get(code, code)


@contextlib.contextmanager
def client_address(address: str | None) -> Iterator[None]:
    """Entries recorded inside the block carry `address` (a request's client)."""
    token = _client_address.set(address)
    try:
        yield
    finally:
        _client_address.reset(token)


def record(
    actor: Actor | None,
    action: str,
    obj: Any = None,
    *,
    patient_id: UUID | None = None,
    summary: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Appends one entry. `obj` is the record acted on (its type and id are kept);
    `patient_id` the patient it concerns, so the patient's trail can be read."""
    user = None if actor is None or not getattr(actor, "is_authenticated", False) else actor
    scope = scope_of(actor)
    practice_id = scope.practice_id or getattr(obj, "practice_id", None)
    return AuditEntry.objects.create(
        actor=user,
        actor_name=getattr(user, "display_name", "") if user else "system",
        practice_id=practice_id,
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",  # via a lazy proxy too
        object_id=str(obj.pk) if obj is not None else "",
        patient_id=patient_id,
        summary=summary[:300],
        details=details or {},
        client_address=_client_address.get(),
    )


class AuditContextMiddleware:
    """Makes the client address of the request known to `record`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from axes.helpers import get_client_ip_address  # same proxy settings as lock-out

        with client_address(get_client_ip_address(request)):
            return self.get_response(request)
