"""Adverse events (DOMAIN.md: an allergic reaction above all), recorded against a session
and linked to the lot(s) it used so that the lot's recall finds them; and their
follow-ups. Both are append-only inserts: an event's later course is a follow-up, never an
edit of the event.

The service contract (docs/conventions.md): the actor, plain values, a clinician only, the record
checked to be the actor's practice's, one transaction, an audit entry.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from lots.models import ProductLot
from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.date_display import in_active_zone, practice_date, practice_datetime
from mesoplan.errors import InvalidInput
from mesoplan.roles import require_clinician
from mesoplan.tenancy import ensure_in_scope, scoped
from patients.services import carry_forward_findings

from .models import (
    AdverseEvent,
    AdverseEventFollowUp,
    AdverseEventLot,
    EventOutcome,
    EventSeverity,
    EventType,
    Pass,
    SessionRecord,
)

# An onset is observed, not planned: a time ahead of now beyond clock skew is a typo.
FUTURE_SLACK = timedelta(minutes=10)
LONGEST_TEXT = 4000


def current_outcome(event: AdverseEvent) -> str:
    """The event's outcome as its newest follow-up says (its own when it has none).
    Reads prefetched `follow_ups` when the caller prefetched them (selectors do)."""
    follow_ups = sorted(event.follow_ups.all(), key=lambda f: (f.recorded_at, str(f.pk)))
    return follow_ups[-1].outcome if follow_ups else event.outcome


def session_performed_at(record: SessionRecord) -> datetime:
    """When the session happened, as its newest version says."""
    amendments = sorted(record.amendments.all(), key=lambda a: a.version)
    return amendments[-1].performed_at if amendments else record.performed_at


def _choice(errors: dict, field: str, value: str, choices) -> None:
    if value not in choices.values:
        known = ", ".join(choices.values)
        errors[field] = [f'"{value}" is not one of: {known}.']


def _text(errors: dict, field: str, value: str) -> str:
    value = (value or "").strip()
    if len(value) > LONGEST_TEXT:
        errors[field] = [f"At most {LONGEST_TEXT} characters."]
    return value


def _linked_lots(record: SessionRecord, lot_ids: Iterable | None) -> list:
    """The lots to link: by default every lot of the record's current version; given
    ids must each be a lot used in some version of the session (else 400 on `lots`)."""
    passes = list(Pass.objects.filter(session_record=record).values_list("version", "lot_id"))
    current = max((version for version, _ in passes), default=1)
    if lot_ids is None:
        return list(dict.fromkeys(lot for version, lot in passes if version == current))
    used = {str(lot) for _, lot in passes}
    wanted = list(dict.fromkeys(str(i) for i in lot_ids))
    strangers = [i for i in wanted if i not in used]
    if strangers:
        raise InvalidInput(
            {
                "lots": [
                    "Link only lots used in this session: "
                    f"{', '.join(strangers)} {'was' if len(strangers) == 1 else 'were'} "
                    "not used in any version of it."
                ]
            }
        )
    return [lot for lot in dict.fromkeys(lot for _, lot in passes) if str(lot) in wanted]


@transaction.atomic
def record_adverse_event(
    *,
    actor,
    session_record: SessionRecord,
    type: str,  # the domain's word, as the API names it
    severity: str,
    onset_at: datetime,
    description: str = "",
    action_taken: str = "",
    outcome: str,
    lot_ids: Iterable | None = None,
) -> AdverseEvent:
    """Records an adverse event against a performed session, linked to its lots (by
    default every lot of the record's current version; `lot_ids=[]` links none, e.g. a
    haematoma from the needle). The onset is at or after the session."""
    require_clinician(actor, "record adverse events")
    ensure_in_scope(actor, session_record)
    record = (
        SessionRecord.objects.select_related(
            "patient__practice", "formulation", "appointment", "course__protocol"
        )
        .prefetch_related("amendments")
        .get(pk=session_record.pk)
    )
    errors: dict[str, list[str]] = {}
    _choice(errors, "type", type, EventType)
    _choice(errors, "severity", severity, EventSeverity)
    _choice(errors, "outcome", outcome, EventOutcome)
    description = _text(errors, "description", description)
    action_taken = _text(errors, "action_taken", action_taken)
    performed_at = session_performed_at(record)
    if onset_at < performed_at:
        local = timezone.localtime(performed_at)
        errors["onset_at"] = [
            f"The onset cannot be before the session ({practice_datetime(local)}): an event "
            "before it belongs to no injection of it."
        ]
    elif onset_at > timezone.now() + FUTURE_SLACK:
        errors["onset_at"] = ["The onset is in the future: record an event once it happened."]
    if errors:
        raise InvalidInput(errors)
    lots = _linked_lots(record, lot_ids)
    event = AdverseEvent.objects.create(
        practice_id=record.practice_id,
        session_record=record,
        patient_id=record.patient_id,
        type=type,
        severity=severity,
        onset_at=onset_at,
        description=description,
        action_taken=action_taken,
        outcome=outcome,
        recorded_by=actor,
    )
    AdverseEventLot.objects.bulk_create(AdverseEventLot(event=event, lot_id=lot) for lot in lots)
    audit.record(
        actor,
        Action.ADVERSE_EVENT_RECORD,
        event,
        patient_id=record.patient_id,
        summary=f"{event.get_type_display()} ({severity}), {len(lots)} lot(s) linked",
    )
    if event.type == EventType.ALLERGIC_REACTION:
        hold_formulation(actor, record, event)
    return event


def hold_formulation(actor, record: SessionRecord, event: AdverseEvent) -> None:
    """An allergic reaction stops the session's formulation until a clinician screens the
    patient again: carried into the screening of its indication, so the next pre-session
    check defers and the booking gate says not ready (patients.carry_forward)."""
    carry_forward_findings(
        actor=actor,
        patient=record.patient,
        reactions=[record.formulation.code],
        indications=[record.formulation.indication],
        carried_from=event.pk,
        label=reaction_label(record, event),
    )


def reaction_label(record: SessionRecord, event: AdverseEvent) -> str:
    """ "allergic reaction (moderate) after session 2 of the MesoLift course, 09 Mar 2026" """
    zone = practice_zone(record.patient.practice)
    on = practice_date(event.onset_at, zone)
    severity = event.get_severity_display().lower()
    sequence = record.appointment.sequence
    if record.course is not None and sequence and record.appointment.course_id == record.course_id:
        where = f"session {sequence} of the {record.course.protocol.course_name}"
    else:
        where = f"a session with {record.formulation.name}"
    return f"allergic reaction ({severity}) after {where}, {on}"


@transaction.atomic
def follow_up_adverse_event(
    *, actor, event: AdverseEvent, outcome: str, note: str = ""
) -> AdverseEventFollowUp:
    """A later state of an adverse event: its outcome now and what was done. The event
    itself is never changed."""
    require_clinician(actor, "record adverse events")
    ensure_in_scope(actor, event)
    errors: dict[str, list[str]] = {}
    _choice(errors, "outcome", outcome, EventOutcome)
    note = _text(errors, "note", note)
    if errors:
        raise InvalidInput(errors)
    follow_up = AdverseEventFollowUp.objects.create(
        event=event, outcome=outcome, note=note, recorded_by=actor
    )
    audit.record(
        actor,
        Action.ADVERSE_EVENT_FOLLOW_UP,
        event,
        patient_id=event.patient_id,
        summary=f"{event.get_type_display()}: {outcome}",
    )
    return follow_up


def adverse_events_for(actor) -> QuerySet[AdverseEvent]:
    """The actor's adverse events with their lots and follow-ups (three queries for any
    number of events), newest onset first."""
    return (
        scoped(AdverseEvent, actor)
        .select_related("recorded_by", "session_record")
        .prefetch_related(
            Prefetch("lots", queryset=ProductLot.objects.select_related("formulation")),
            Prefetch(
                "follow_ups",
                queryset=AdverseEventFollowUp.objects.select_related("recorded_by").order_by(
                    "recorded_at", "id"
                ),
            ),
        )
    )


def lots_linked_to_events(actor, patient_id) -> dict[str, str]:
    """{lot number: why it is suspect} for the lots linked to the patient's adverse
    events, the newest event first (one query)."""
    rows = (
        AdverseEventLot.objects.filter(
            event__patient_id=patient_id, event__practice_id=actor.practice_id
        )
        .select_related("event", "lot")
        .order_by("-event__onset_at")
    )
    linked: dict[str, str] = {}
    for row in rows:
        event = row.event
        linked.setdefault(
            row.lot.lot_number,
            f"linked to the {event.get_type_display().lower()} of "
            f"{practice_date(in_active_zone(event.onset_at))}",
        )
    return linked


def session_lots(record: SessionRecord) -> list[tuple[ProductLot, bool]]:
    """The lots used in any version of the session, in the order first used, each with
    whether the record's current version uses it (one query)."""
    passes = list(
        Pass.objects.filter(session_record=record)
        .select_related("lot__formulation")
        .order_by("version", "position")
    )
    current = max((p.version for p in passes), default=1)
    in_current = {p.lot_id for p in passes if p.version == current}
    lots = {p.lot_id: p.lot for p in passes}
    return [(lot, lot.pk in in_current) for lot in lots.values()]
