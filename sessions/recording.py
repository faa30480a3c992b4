"""Recording a performed session (API.md "Session records", DOMAIN.md "A session"): the
pre-session check, the passes, and amendments that correct a record without changing it.

The service contract (docs/conventions.md): the actor, plain values, role and practice checks, one
transaction, an audit entry. A check that defers or excludes is stored, committed alone,
and then refused (409): nothing but the check is kept, and the clinician is
offered to move the appointment. Everything else is all or nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from lots.models import ProductLot
from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.date_display import practice_date
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import require_clinician
from mesoplan.tenancy import ensure_in_scope
from patients.models import Patient, Screening
from patients.screening import Outcome, UnknownCode
from patients.selectors import newest_screening
from patients.services import carry_forward_findings
from protocols.models import Protocol
from protocols.regions import region_label
from protocols.selectors import formulation_spec
from scheduling.course_order import Session, out_of_order_message, unsettled_before
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus, Course
from scheduling.rescheduling import move_to_when_performed
from scheduling.selectors import course_sessions

from .adverse_events import reaction_label
from .models import (
    AdverseEvent,
    EventType,
    Pass,
    PreSessionCheck,
    SessionAmendment,
    SessionRecord,
)
from .pass_input import PassInput, validate_passes
from .pre_check import (
    RECONFIRMED_CONDITIONS,
    CheckAnswers,
    CheckVerdict,
    ScreeningBasis,
    evaluate_check,
)
from .versions import current_version

# A session is recorded once it happened: a time ahead of now (beyond clock skew) is a
# typing error, not a plan.
FUTURE_SLACK = timedelta(minutes=10)


@dataclass(frozen=True)
class Treatment:
    """What a session of an appointment treats: the course and its protocol."""

    course: Course
    protocol: Protocol


def treatment_of(appointment: Appointment) -> Treatment:
    """The course a session belongs to: the appointment's own, or for a maintenance
    session the patient's latest course (maintenance keeps that course's result)."""
    if appointment.kind == AppointmentKind.CONSULTATION:
        raise Conflict(
            "A consultation is not a treatment session: nothing is injected, so there is "
            "nothing to record here.",
            "not_a_treatment",
        )
    course = appointment.course
    if course is None:
        course = (
            Course.objects.filter(patient_id=appointment.patient_id)
            .exclude(status=Course.Status.CANCELLED)
            .select_related("protocol__formulation")
            .order_by("-created_at")
            .first()
        )
    if course is None:
        raise Conflict(
            "This patient has no course: book one before recording a maintenance session.",
            "no_course",
        )
    return Treatment(course=course, protocol=course.protocol)


def screening_basis(screening: Screening, sex: str) -> ScreeningBasis:
    """What the check builds on. A screening carried forward from an earlier check keeps
    its allergies and lasting conditions; what comes and goes (pregnancy, an acute
    infection) this check asks again, and today's answer counts."""
    conditions = frozenset(screening.conditions)
    if screening.is_carried_forward:
        conditions -= frozenset(RECONFIRMED_CONDITIONS)
    return ScreeningBasis(
        indication=screening.indication,
        sex=sex,
        conditions=conditions,
        allergies=tuple(screening.allergies),
        finding_codes=frozenset(f["code"] for f in screening.findings),
        hair_loss_onset=screening.hair_loss_onset,
        insurance_options_considered=screening.insurance_options_considered,
        therapy_goal=screening.therapy_goal or None,
        prognosis_explained=screening.prognosis_explained,
        reactions=screening.reaction_codes,
    )


def basis_screening(actor, course: Course, patient: Patient) -> Screening:
    """The patient's latest screening for the course's indication (a re-screening during
    the course supersedes the one it was booked on)."""
    latest = newest_screening(actor, patient, course.protocol.indication)
    return latest or course.screening


def check_before_session(
    *, actor, appointment: Appointment, treatment: Treatment, answers: CheckAnswers
) -> CheckVerdict:
    screening = basis_screening(actor, treatment.course, appointment.patient)
    try:
        verdict = evaluate_check(
            screening_basis(screening, appointment.patient.sex),
            answers,
            formulation_spec(treatment.protocol.formulation),
        )
    except UnknownCode as exc:
        raise InvalidInput({"conditions": [str(exc)]}) from exc
    return verdict


def _store_check(
    actor, appointment: Appointment, answers: CheckAnswers, verdict: CheckVerdict
) -> PreSessionCheck:
    return PreSessionCheck.objects.create(
        practice_id=appointment.practice_id,
        appointment=appointment,
        patient_id=appointment.patient_id,
        conditions=sorted(answers.conditions),
        new_allergies=list(answers.new_allergies),
        herpes_prophylaxis_given=answers.herpes_prophylaxis_given,
        caution_acknowledgement=answers.caution_acknowledgement.strip(),
        findings=[f.as_dict() for f in verdict.findings],
        outcome=verdict.outcome.value,
        rule_set_version=verdict.rule_set_version,
        created_by=actor,
    )


def carry_forward(
    actor, appointment: Appointment, treatment: Treatment, answers: CheckAnswers, check
) -> None:
    """What the check found newly (an allergy, a condition) goes into the patient's
    screenings, so the next check and the booking gate see it (patients.carry_forward)."""
    if not answers.conditions and not answers.new_allergies:
        return
    carry_forward_findings(
        actor=actor,
        patient=appointment.patient,
        conditions=sorted(answers.conditions),
        allergies=answers.new_allergies,
        acknowledgement=answers.caution_acknowledgement,
        carried_from=check.pk,
        label=check_label(appointment, treatment, practice_zone(appointment.practice)),
    )


def check_label(appointment: Appointment, treatment: Treatment, zone) -> str:
    """Where a check happened, in words: "pre-session check of session 2 of the
    MesoLift course, 09 Mar 2026"."""
    on = practice_date(timezone.now(), zone)
    if appointment.kind == AppointmentKind.COURSE and appointment.sequence:
        return (
            f"pre-session check of session {appointment.sequence} of the "
            f"{treatment.protocol.course_name}, {on}"
        )
    return f"pre-session check of a {appointment.get_kind_display().lower()}, {on}"


def _performed_at(appointment: Appointment, performed_at: datetime | None) -> datetime:
    """When the session was performed: now by default; never ahead of now (beyond clock
    skew), never before the patient was born nor longer ago than the practice records
    sessions after the fact (SESSION_BACKDATE_DAYS): year 1 is a typing error."""
    now = timezone.now()
    if performed_at is None:
        return now
    if performed_at > now + FUTURE_SLACK:
        raise InvalidInput(
            {"performed_at": ["A session is recorded after it happened: this is in the future."]}
        )
    earliest = now - timedelta(days=settings.SESSION_BACKDATE_DAYS)
    born = appointment.patient.date_of_birth
    if performed_at < earliest or performed_at.date() < born:
        raise InvalidInput(
            {
                "performed_at": [
                    f"A session is recorded within {settings.SESSION_BACKDATE_DAYS} days of "
                    "when it was performed, and after the patient's birth: check the date."
                ]
            }
        )
    return performed_at


def _local_date(moment: datetime, practice) -> date:
    return timezone.localtime(moment, practice_zone(practice)).date()


def record_session(
    *,
    actor,
    appointment: Appointment,
    answers: CheckAnswers,
    passes: Sequence[PassInput],
    performed_at: datetime | None = None,
    notes: str = "",
) -> SessionRecord:
    """Checks, then records the session and marks the appointment completed; the course
    is completed with its last session. A blocking check is stored and refused (409)."""
    require_clinician(actor, "record or correct a session")
    ensure_in_scope(actor, appointment)
    with transaction.atomic():
        appointment, siblings = lock_with_course(appointment)
        if appointment.status != AppointmentStatus.SCHEDULED:
            raise Conflict(
                f"This appointment is {appointment.get_status_display().lower()}: only a "
                "scheduled appointment is recorded.",
                "not_scheduled",
                {"status": appointment.status},
            )
        treatment = treatment_of(appointment)
        refuse_out_of_order(appointment, siblings)
        verdict = check_before_session(
            actor=actor, appointment=appointment, treatment=treatment, answers=answers
        )
        if not verdict.is_blocked:
            return _record(
                actor,
                appointment,
                treatment,
                answers,
                verdict,
                passes,
                performed_at,
                notes,
                siblings,
            )
        # Blocked: the check alone is kept (this transaction commits), with what it found
        # carried into the patient's screenings, then refused.
        check = _store_check(actor, appointment, answers, verdict)
        carry_forward(actor, appointment, treatment, answers, check)
        audit.record(
            actor,
            Action.SESSION_CHECK,
            check,
            patient_id=appointment.patient_id,
            summary=f"{verdict.outcome.value}: " + ", ".join(f.code for f in verdict.blocking),
        )
    event = reaction_behind(appointment, treatment, verdict)
    raise Conflict(
        "The pre-session check "
        + ("excludes" if verdict.outcome == Outcome.EXCLUDED else "defers")
        + " treatment: "
        + "; ".join(f.message for f in verdict.blocking)
        + (
            f" See the {reaction_label(event.session_record, event)}: screen the patient "
            "again before another session with it."
            if event
            else ""
        )
        + " Nothing but the check was recorded; move the appointment.",
        f"check_{verdict.outcome.value}",
        {
            "outcome": verdict.outcome.value,
            "findings": [f.as_dict() for f in verdict.blocking],
            "check": str(check.pk),
            **({"adverse_event": str(event.pk)} if event else {}),
        },
    )


def reaction_behind(appointment: Appointment, treatment: Treatment, verdict: CheckVerdict):
    """The allergic reaction that stops this formulation, when that is what blocks."""
    if not any(f.code == "allergic_reaction" for f in verdict.blocking):
        return None
    return (
        AdverseEvent.objects.filter(
            patient_id=appointment.patient_id,
            type=EventType.ALLERGIC_REACTION,
            session_record__formulation_id=treatment.protocol.formulation_id,
        )
        .select_related(
            "session_record__patient__practice",
            "session_record__formulation",
            "session_record__appointment",
            "session_record__course__protocol",
        )
        .order_by("-onset_at")
        .first()
    )


def lock_with_course(appointment: Appointment) -> tuple[Appointment, list[Session]]:
    """The appointment and its course's other appointments, locked in one statement in
    the course's order (as a move locks them: no deadlock), so that the order rule and
    the course's completion read what no one else is changing."""
    # A course's appointments include this one; outside a course, this one alone.
    if appointment.course_id is not None:
        which = Q(course_id=appointment.course_id)
    else:
        which = Q(pk=appointment.pk)
    rows = list(
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient", "practice", "course__protocol__formulation")
        .filter(which)
        .order_by("sequence", "pk")
    )
    locked = next(row for row in rows if row.pk == appointment.pk)
    siblings = [
        Session(row.sequence or 0, row.status, row.starts_at, row.ends_at)
        for row in rows
        if row.pk != appointment.pk
    ]
    return locked, siblings


def refuse_out_of_order(appointment: Appointment, siblings: list[Session] | None = None) -> None:
    """Session k of a course is recorded only once sessions 1..k-1 are recorded, cancelled
    or marked no-show (409 naming them): the record never says 8 came before 7.
    `siblings`: the course's other sessions when already read (else one query)."""
    if appointment.kind != AppointmentKind.COURSE or appointment.sequence is None:
        return
    if siblings is None:
        siblings = course_sessions(appointment)
    unsettled = unsettled_before(appointment.sequence, siblings)
    if unsettled:
        raise Conflict(
            out_of_order_message(appointment.sequence, unsettled),
            "out_of_order",
            {"unsettled": unsettled},
        )


def _record(
    actor, appointment, treatment, answers, verdict, passes, performed_at, notes, siblings
) -> SessionRecord:
    """Inside record_session's transaction, the appointment locked and the check clear
    of deferrals. `siblings`: the course's other sessions, as the order rule read them."""
    when, rows = _validated(actor, appointment, treatment, verdict, passes, performed_at)
    planned = appointment.starts_at
    if _local_date(when, appointment.practice) < _local_date(planned, appointment.practice):
        # Performed before the planned day: the calendar says when it happened.
        move_to_when_performed(actor=actor, appointment=appointment, performed_at=when)
    check = _store_check(actor, appointment, answers, verdict)
    carry_forward(actor, appointment, treatment, answers, check)
    # No savepoint: the appointment's row lock and its status check let one recording
    # through; should the one-record-per-appointment constraint still refuse, the whole
    # transaction rolls back with the 409.
    try:
        record = SessionRecord.objects.create(
            practice_id=appointment.practice_id,
            appointment=appointment,
            patient_id=appointment.patient_id,
            course=treatment.course,
            formulation_id=treatment.protocol.formulation_id,
            pre_check=check,
            performed_at=when,
            planned_starts_at=planned,
            performed_by=actor,
            notes=(notes or "").strip(),
            created_by=actor,
        )
    except IntegrityError as exc:
        raise Conflict("This appointment is already recorded.", "already_recorded") from exc
    for row in rows:
        row.session_record = record
        row.version = 1
    Pass.objects.bulk_create(rows)
    _count_lots_used(rows)
    appointment.status = AppointmentStatus.COMPLETED
    appointment.save(update_fields=["status", "updated_at"])
    _complete_course_if_done(treatment.course, appointment, siblings)
    audit.record(
        actor,
        Action.SESSION_RECORD,
        record,
        patient_id=appointment.patient_id,
        summary=_summary(rows),
    )
    return record


def _validated(
    actor, appointment, treatment, verdict, passes, performed_at
) -> tuple[datetime, list[Pass]]:
    """When the session was performed and its unsaved pass rows, or one InvalidInput with
    every refusal at once: the answers the check still needs, the time and each pass's
    fields. Clinicians correct the form in one round, not the check first and the passes
    after (issue 16.C)."""
    errors: dict[str, Any] = dict(verdict.errors)
    try:
        when = _performed_at(appointment, performed_at)
    except InvalidInput as exc:
        errors.update(exc.errors)
        when = timezone.now()  # the lots are judged on today instead
    rows: list[Pass] = []
    try:
        rows = validate_passes(
            actor,
            passes,
            indication=treatment.protocol.indication,
            formulation_id=treatment.protocol.formulation_id,
            on=_local_date(when, appointment.practice),
        )
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return when, rows


def session_input_errors(
    *, actor, appointment: Appointment, answers: CheckAnswers, passes: Sequence[PassInput]
) -> dict[str, Any]:
    """What record_session would refuse (400) in these answers and passes, read without
    writing anything: the session form shows it beside its own errors when it is
    incomplete (an unanswered question), so the passes are not judged a round later. A
    check that would defer or exclude is left to record_session (409); so are the
    appointment's state and order."""
    require_clinician(actor, "record or correct a session")
    ensure_in_scope(actor, appointment)
    try:
        treatment = treatment_of(appointment)
        verdict = check_before_session(
            actor=actor, appointment=appointment, treatment=treatment, answers=answers
        )
        if verdict.is_blocked:
            verdict = replace(verdict, errors={})
        if not passes:  # the form says which region lacks a technique
            return dict(verdict.errors)
        _validated(actor, appointment, treatment, verdict, passes, None)
    except InvalidInput as exc:
        return exc.errors
    except Conflict:
        return {}
    return {}


def _complete_course_if_done(
    course: Course, appointment: Appointment, siblings: Sequence[Session]
) -> None:
    """The course is completed with its last session: this one and the others recorded
    (as read under the lock) make the protocol's count."""
    if appointment.course_id != course.pk or course.status != Course.Status.ACTIVE:
        return
    done = 1 + sum(s.status == AppointmentStatus.COMPLETED for s in siblings)
    if done >= course.protocol.session_count:
        course.status = Course.Status.COMPLETED
        course.save(update_fields=["status", "updated_at"])


def _count_lots_used(rows: Sequence[Pass], earlier: set | frozenset = frozenset()) -> None:
    """One more session for each lot these passes name that the record's earlier
    versions did not (a lot counts the records that used it in any version, as the recall
    lists them), in the transaction that writes the passes. One atomic increment of
    each lot's row, in the order of their ids (two recordings never wait on each other
    in opposite orders)."""
    new = sorted({row.lot_id for row in rows} - earlier)
    if new:
        ProductLot.objects.filter(pk__in=new).update(session_count=F("session_count") + 1)


def _summary(rows: Sequence[Pass]) -> str:
    regions = [region_label(code) for code in dict.fromkeys(r.region for r in rows)]
    return f"{len(rows)} passes: {', '.join(str(r) for r in regions)}"[:300]


def _validated_amendment(
    actor, record: SessionRecord, reason: str, passes: Sequence[PassInput], performed_at
) -> tuple[datetime, list[Pass]]:
    """The correction's time and unsaved pass rows, or one InvalidInput with every
    refusal at once (the reason, the time, each pass's fields)."""
    errors: dict[str, Any] = {}
    if not reason:
        errors["reason"] = ["Say why the record is corrected."]
    when = record.performed_at
    if performed_at is not None:
        try:
            when = _performed_at(record.appointment, performed_at)
        except InvalidInput as exc:
            errors.update(exc.errors)
    protocol = record.course.protocol if record.course else None
    rows: list[Pass] = []
    try:
        rows = validate_passes(
            actor,
            passes,
            indication=protocol.indication if protocol else "skin",
            formulation_id=record.formulation_id,
            on=_local_date(when, record.practice),
            allow_retired=True,  # a correction may name what was in use that day
        )
    except InvalidInput as exc:
        errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return when, rows


def amendment_input_errors(
    *, actor, record: SessionRecord, reason: str, passes: Sequence[PassInput]
) -> dict[str, Any]:
    """What amend_session would refuse (400), read without writing: the correction form
    shows it beside its own errors, all in one round."""
    require_clinician(actor, "record or correct a session")
    ensure_in_scope(actor, record)
    if not passes:
        return {}
    try:
        _validated_amendment(actor, record, (reason or "").strip() or "-", passes, None)
    except InvalidInput as exc:
        return exc.errors
    return {}


@transaction.atomic
def amend_session(
    *,
    actor,
    record: SessionRecord,
    reason: str,
    passes: Sequence[PassInput],
    notes: str | None = None,
    performed_at: datetime | None = None,
) -> SessionAmendment:
    """A correction: a new version of the record's passes (and notes, time), with the
    reason. The original and earlier versions stay as they were."""
    require_clinician(actor, "record or correct a session")
    ensure_in_scope(actor, record)
    reason = (reason or "").strip()
    record = (
        SessionRecord.objects.select_for_update(of=("self",))
        .select_related("course__protocol", "practice", "appointment__patient")
        .get(pk=record.pk)
    )
    current = current_version(record)
    when, rows = _validated_amendment(actor, record, reason, passes, performed_at)
    version = current.version + 1
    amendment = SessionAmendment.objects.create(
        session_record=record,
        version=version,
        reason=reason,
        performed_at=when,
        notes=current.notes if notes is None else notes.strip(),
        created_by=actor,
    )
    earlier = set(Pass.objects.filter(session_record=record).values_list("lot_id", flat=True))
    for row in rows:
        row.session_record = record
        row.version = version
    Pass.objects.bulk_create(rows)
    _count_lots_used(rows, earlier)
    audit.record(
        actor,
        Action.SESSION_AMEND,
        record,
        patient_id=record.patient_id,
        summary=f"Version {version}: {reason[:200]}",
    )
    return amendment
