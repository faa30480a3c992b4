"""Browser pages of a performed session: the session form opened from the calendar
appointment (the check, regions on a diagram, passes pre-filled from the previous
session), the recorded session with its versions, and the amendment form.

HTTP only: the recording service decides; its refusals come back onto the form's fields.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lots.equipment import equipment_choices
from lots.selectors import usable_lots
from lots.services import expiry_warning_days, is_expiring_soon
from mesoplan import audit
from mesoplan.access import practice_staff_required
from mesoplan.audit import Action
from mesoplan.clock import practice_today, practice_zone
from mesoplan.date_display import practice_date, practice_datetime
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import is_clinician
from mesoplan.tenancy import get_scoped_or_404
from protocols.regions import AREAS, regions_for
from scheduling import selectors as scheduling
from scheduling.models import Appointment, AppointmentStatus
from sessions import recording, selectors
from sessions.adverse_events import lots_linked_to_events
from sessions.forms import AmendForm, SessionForm
from sessions.models import SessionRecord
from sessions.pre_check import HERPES, CheckAnswers
from sessions.prefill import prefill
from sessions.versions import current_version, versions_of


def _appointment(request, pk) -> Appointment:
    return get_scoped_or_404(
        scheduling.appointments_for(request.user).select_related(
            "patient", "clinician", "course__protocol__formulation"
        ),
        request.user,
        pk=pk,
    )


def _record_of(request, appointment) -> SessionRecord | None:
    return selectors.session_records_for(request.user).filter(appointment=appointment).first()


def _lot_choices(request, formulation_id):
    today = practice_today(request.user.practice)
    lots = list(usable_lots(request.user, formulation_id, today))
    choices = []
    for lot in lots:
        label = f"{lot.lot_number} · expires {practice_date(lot.expires_on)}"
        if is_expiring_soon(lot, today):
            label += " (soon)"
        choices.append((lot.lot_number, label))
    expiring = [lot for lot in lots if is_expiring_soon(lot, today)]
    return lots, choices, expiring


def _form_setup(request, appointment, *, current: SessionRecord | None = None) -> dict:
    """What the session (or amendment) form needs: its treatment, lots, equipment and the
    start (the previous session, or the record being corrected)."""
    treatment = recording.treatment_of(appointment)
    protocol = treatment.protocol
    screening = recording.basis_screening(request.user, treatment.course, appointment.patient)
    herpes_prone = HERPES in screening.conditions
    lots, lot_choices, expiring = _lot_choices(request, protocol.formulation_id)
    previous: SessionRecord | None
    previous_passes: list | None
    if current is not None:
        previous_passes = current_version(current).passes
        previous = current
    else:
        previous = selectors.previous_session(
            request.user, appointment.patient_id, protocol.formulation_id, timezone.now()
        )
        previous_passes = current_version(previous).passes if previous else None
    # A correction names what was used; a new session is warned off a suspect lot.
    linked = (
        {} if current is not None else lots_linked_to_events(request.user, appointment.patient_id)
    )
    region_codes = regions_for(protocol.indication)
    start = prefill(previous_passes, region_codes, [lot.lot_number for lot in lots], linked)
    equipment = equipment_choices(request.user)
    return {
        "treatment": treatment,
        "protocol": protocol,
        "previous": previous,
        "start": start,
        "lots": lots,
        "expiring": expiring,
        "warning_days": expiry_warning_days(),
        "herpes_prone": herpes_prone,
        "linked_lots": linked,
        "areas": [(area, [r for r in codes if r in region_codes]) for area, codes in AREAS.items()],
        "form_kwargs": {
            "region_codes": region_codes,
            "lots": lot_choices,
            "devices": equipment["device"],
            "needles": equipment["needle"],
            "start": start,
            "asks_pregnancy": appointment.patient.sex != "male",
            "herpes_prone": herpes_prone,
            "linked_lots": linked,
        },
    }


def _render_form(request, appointment, setup, form, *, blocked=None, status=200):
    zone = practice_zone(request.user.practice)
    context = {
        **setup,
        "appointment": appointment,
        "start_local": appointment.starts_at.astimezone(zone),
        "form": form,
        "rows": form.region_rows(),
        "blocked": blocked,
        "progress": scheduling.progress_of([setup["treatment"].course]).get(
            setup["treatment"].course.pk
        ),
    }
    return render(request, "sessions/session_form.html", context, status=status)


@practice_staff_required
@require_http_methods(["GET", "POST"])
def session_page(request, pk):
    """The appointment's session: its record when recorded, else the form to record it
    (clinicians), opened from the calendar."""
    appointment = _appointment(request, pk)
    record = _record_of(request, appointment)
    if record is not None:
        return _render_record(request, appointment, record)
    if appointment.status != AppointmentStatus.SCHEDULED or not is_clinician(request.user):
        if request.method == "POST":
            raise PermissionDenied("Only a clinician records a session of a scheduled appointment.")
        return render(request, "sessions/session_missing.html", {"appointment": appointment})
    try:
        recording.refuse_out_of_order(appointment)  # before anyone fills the form in
        setup = _form_setup(request, appointment)
    except Conflict as exc:
        return render(
            request,
            "sessions/session_missing.html",
            {"appointment": appointment, "conflict": exc.message},
            status=409,
        )
    if request.method == "GET":
        return _render_form(request, appointment, setup, SessionForm(**setup["form_kwargs"]))
    form = SessionForm(request.POST, **setup["form_kwargs"])
    if not form.is_valid():
        # Beside the form's own errors (an unanswered question), what the service would
        # refuse in the passes and the check: everything in one round.
        passes = form.passes()
        refused = recording.session_input_errors(
            actor=request.user,
            appointment=appointment,
            answers=_answers(request, form),
            passes=passes,
        )
        form.show_service_errors(InvalidInput(refused), passes, keep_own=True)
        return _render_form(request, appointment, setup, form, status=400)
    passes = form.passes()
    try:
        record = recording.record_session(
            actor=request.user,
            appointment=appointment,
            answers=_answers(request, form),
            passes=passes,
            notes=form.cleaned_data["notes"],
        )
    except Conflict as exc:
        return _render_form(request, appointment, setup, form, blocked=exc, status=409)
    except InvalidInput as exc:
        form.show_service_errors(exc, passes)
        return _render_form(request, appointment, setup, form, status=400)
    messages.success(request, f"Session recorded: {len(passes)} passes.")
    if record.planned_starts_at and record.planned_starts_at != record.performed_at:
        zone = practice_zone(request.user.practice)
        planned = record.planned_starts_at.astimezone(zone)
        if planned.date() > record.performed_at.astimezone(zone).date():
            messages.info(
                request,
                f"It was planned for {practice_datetime(planned, weekday=True)}; the appointment moved to "
                "when it was performed. The course's later sessions stayed where they were: "
                "the course page offers to re-plan them.",
            )
    return redirect("calendar:session", pk=appointment.pk)


def _answers(request, form: SessionForm) -> CheckAnswers:
    """The pre-session check as the form answered it (what it could clean)."""
    data = form.cleaned_data
    return CheckAnswers(
        checked_on=practice_today(request.user.practice),
        conditions=form.conditions(),
        new_allergies=form.new_allergies_list(),
        herpes_prophylaxis_given=data.get("herpes_prophylaxis_given") or None,
        caution_acknowledgement=data.get("caution_acknowledgement") or "",
    )


def _render_record(request, appointment, record):
    audit.record(
        request.user,
        Action.SESSION_VIEW,
        record,
        patient_id=record.patient_id,
        summary="Session page",
    )
    versions = versions_of(record)
    course = record.course
    return render(
        request,
        "sessions/session_detail.html",
        {
            "appointment": appointment,
            "session": record,
            "current": versions[-1],
            "earlier": list(reversed(versions[:-1])),
            "course": course,
            "progress": scheduling.progress_of([course]).get(course.pk) if course else None,
            "can_amend": is_clinician(request.user),
        },
    )


@practice_staff_required
@require_http_methods(["GET", "POST"])
def session_amend(request, pk):
    """Correct a recorded session: a new version with its reason; the original stays."""
    appointment = _appointment(request, pk)  # another practice's: 404 whatever the role
    if not is_clinician(request.user):
        raise PermissionDenied("Only a clinician corrects a session record.")
    record = _record_of(request, appointment)
    if record is None:
        return redirect("calendar:session", pk=appointment.pk)
    setup = _form_setup(request, appointment, current=record)
    if request.method == "GET":
        form = AmendForm(**setup["form_kwargs"])
        return _render_form(request, appointment, {**setup, "amending": record}, form)
    form = AmendForm(request.POST, **setup["form_kwargs"])
    if not form.is_valid():
        passes = form.passes()
        refused = recording.amendment_input_errors(
            actor=request.user,
            record=record,
            reason=form.cleaned_data.get("reason", ""),
            passes=passes,
        )
        form.show_service_errors(InvalidInput(refused), passes, keep_own=True)
        return _render_form(request, appointment, {**setup, "amending": record}, form, status=400)
    passes = form.passes()
    try:
        amendment = recording.amend_session(
            actor=request.user,
            record=record,
            reason=form.cleaned_data["reason"],
            passes=passes,
            notes=form.cleaned_data["notes"],
        )
    except InvalidInput as exc:
        form.show_service_errors(exc, passes)
        return _render_form(request, appointment, {**setup, "amending": record}, form, status=400)
    messages.success(request, f"Record corrected: version {amendment.version}. The original stays.")
    return redirect("calendar:session", pk=appointment.pk)
