"""Browser pages of courses: book one (the proposed dates first, then confirm) and the
course page with its progress and sessions.

HTTP only: the gate (patients.readiness) says whether a course may be booked, the planner
proposes the dates, scheduling.booking books them; a patient who is not ready gets the
gate's reasons, each with what resolves it, never a 500 or a 403.
"""

from collections import Counter
from datetime import date, time, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_today, practice_zone
from mesoplan.date_display import practice_datetime
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.form_errors import add_service_errors
from mesoplan.roles import is_clinician
from mesoplan.tenancy import get_scoped_or_404
from patients.alerts import INDICATION_NAMES
from patients.models import Patient
from patients.readiness import ready_to_book
from patients.selectors import latest_screening
from protocols.models import Indication
from protocols.planner import local
from protocols.selectors import protocols_with_formulations
from scheduling import booking, rescheduling, selectors
from scheduling.calendar_grid import iso_week
from scheduling.course_preview import fingerprint, proposed_sessions
from scheduling.forms import CourseBookingForm, CourseEndForm, opening_slots
from scheduling.models import AppointmentStatus, Combination, CourseTarget
from scheduling.pre_operative import operation_date_error, pre_operative_warning
from scheduling.progress import course_progress, session_rows

# The booking services' names for what the form calls otherwise.
BOOKING_FIELDS = {"start": "start_date", "initial_interval_days": "interval"}


def _first_open_slot(opening, today: date) -> tuple[date, time]:
    """The next day the practice opens after today, at its opening time."""
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        if opening.get(day.weekday()):
            return day, min(opens for opens, _ in opening[day.weekday()])
    return today + timedelta(days=1), time(9)


def _not_ready(request, patient, indication, screening, readiness):
    context = {
        "patient": patient,
        "indication": indication,
        "indication_name": INDICATION_NAMES[indication],
        "screening": screening,
        "readiness": readiness,
        "can_screen": is_clinician(request.user),
    }
    status = 409 if request.method == "POST" else 200
    return render(request, "scheduling/course_not_ready.html", context, status=status)


def _booking_data(request):
    """What the form is bound to: the confirmation (POST), the proposal asked for (a GET
    with `action=preview`: proposing books nothing, so Reload and Back are safe), or
    nothing (the empty form)."""
    if request.method == "POST":
        return request.POST
    return request.GET if request.GET.get("action") == "preview" else None


def _booking_form(request, indication, screening, clinicians, protocols) -> CourseBookingForm:
    user = request.user
    practice = user.practice
    opening = selectors.opening_hours_of(user) or selectors.DEFAULT_OPENING
    intervals = sorted({days for p in protocols for days in p.schedule().interval_choices})
    first_day, first_time = _first_open_slot(opening, practice_today(practice))
    me = next((c for c in clinicians if c.pk == user.pk), None)
    default = me or (clinicians[0] if clinicians else None)
    goal = screening.therapy_goal if indication == "hair" else None
    return CourseBookingForm(
        _booking_data(request),
        initial={
            "clinician": str(default.pk) if default else None,
            "protocol": protocols[0].code if len(protocols) == 1 else None,
            "interval": intervals[0] if intervals else None,
            "start_date": first_day,
            "start_time": first_time.strftime("%H:%M"),
            "targets": [goal] if goal else [],
        },
        indication=indication,
        clinicians=[(str(c.pk), c.display_name) for c in clinicians],
        protocols=[(p.code, f"{p.name} ({p.formulation.name})") for p in protocols],
        intervals=intervals,
        slots=opening_slots(opening),
        date_format=practice.date_format,
    )


def _propose(request, form, data, clinician, protocol, start, patient):
    """The proposed sessions (planned, booked, why moved), or None with the form's
    errors set."""
    user = request.user
    try:
        plan = booking.preview_course(
            actor=user,
            clinician_id=clinician.pk,
            protocol_code=protocol.code,
            start=start,
            initial_interval_days=data["interval"],
            patient_id=patient.pk,
        )
    except InvalidInput as exc:
        add_service_errors(form, exc, BOOKING_FIELDS)
        return None
    length = timedelta(minutes=protocol.schedule().session_minutes)
    first = start.date()
    facts = selectors.calendar_facts(user, [clinician.pk], first, first + booking.PLANNING_HORIZON)
    rows = proposed_sessions(plan, length, facts, clinician.pk)
    return {
        "rows": rows,
        "fingerprint": fingerprint(rows),
        "moved": sum(row.moved for row in rows),
        "unplaced": [row for row in rows if not row.placed],
        "warning": pre_operative_warning(
            [row.start for row in rows if row.start], data["operation_date"], start.tzinfo
        ),
        "clinician": clinician,
        "protocol": protocol,
    }


@practice_staff_required
@require_http_methods(["GET", "POST"])
def course_book(request, patient_pk):
    """Pick clinician, protocol, start and interval; see the proposed dates (and any
    that had to move, and why); confirm to book exactly those. Not ready: the gate's
    reasons, each with what resolves it."""
    user = request.user
    patient = get_scoped_or_404(Patient, user, pk=patient_pk)
    indication = request.GET.get("indication")
    if indication not in Indication.values:
        context = {"patient": patient, "indications": INDICATION_NAMES}
        return render(request, "scheduling/course_indication.html", context)
    screening = latest_screening(user, patient, indication)
    readiness = screening.readiness if screening else ready_to_book(indication, None)
    if screening is None or not readiness.is_ready:
        return _not_ready(request, patient, indication, screening, readiness)

    clinicians = list(selectors.clinicians_for(user))
    protocols = [p for p in protocols_with_formulations() if p.indication == indication]
    form = _booking_form(request, indication, screening, clinicians, protocols)
    context = {
        "patient": patient,
        "indication": indication,
        "indication_name": INDICATION_NAMES[indication],
        "screening": screening,
        "form": form,
        "proposal": None,
    }
    if form.is_bound and form.is_valid():
        data = dict(form.cleaned_data)  # add_error drops a field from cleaned_data
        error = operation_date_error(data["combinations"], data["operation_date"])
        if error:
            form.add_error("operation_date", error)
        zone = practice_zone(user.practice)
        start = local(data["start_date"], data["start_time"], zone)
        clinician = next(c for c in clinicians if str(c.pk) == data["clinician"])
        protocol = next(p for p in protocols if p.code == data["protocol"])
        proposal = context["proposal"] = _propose(
            request, form, data, clinician, protocol, start, patient
        )
        wants_to_book = request.method == "POST" and request.POST.get("action") == "book"
        context["choices"] = [  # carried by the confirmation form as shown
            (name, values)
            for name, values in (form.data.lists() if hasattr(form.data, "lists") else [])
            if name not in ("action", "proposal", "csrfmiddlewaretoken")
        ]
        if proposal and wants_to_book and not form.errors:
            if request.POST.get("proposal") != proposal["fingerprint"]:
                context["changed"] = True  # show the new dates; book nothing unseen
            else:
                try:
                    booked = booking.book_course(
                        actor=user,
                        patient=patient,
                        protocol_code=protocol.code,
                        clinician_id=clinician.pk,
                        start=start,
                        initial_interval_days=data["interval"],
                        targets=data["targets"],
                        combinations=data["combinations"],
                        operation_date=data["operation_date"],
                    )
                except InvalidInput as exc:
                    add_service_errors(form, exc, BOOKING_FIELDS)
                except Conflict as exc:
                    context["conflict"] = exc.message
                else:
                    first = booked.appointments[0].starts_at.astimezone(zone)
                    messages.success(
                        request,
                        f"Course booked: {len(booked.appointments)} sessions "
                        f"from {practice_datetime(first, weekday=True)}.",
                    )
                    return redirect("courses:detail", pk=booked.course.pk)
    status = 400 if form.errors else 409 if context.get("conflict") else 200
    return render(request, "scheduling/course_book.html", context, status=status)


@practice_staff_required
@require_GET
def course_detail(request, pk):
    """The course: what it treats, its progress ("3 of 8") and every session with its
    move and cancel."""
    course = get_scoped_or_404(selectors.courses_for(request.user), request.user, pk=pk)
    return _render_course(request, course)


def _render_course(request, course, *, end_form=None, status=200):
    appointments = list(
        course.appointments.select_related("clinician").order_by("sequence", "starts_at")
    )
    total = course.protocol.session_count
    zone = practice_zone(request.user.practice)
    now = timezone.now()
    ahead = [a for a in appointments if a.status == AppointmentStatus.SCHEDULED and a.ends_at > now]
    shown = (ahead or appointments or [None])[0]
    try:
        replan, replan_refused = rescheduling.replan_proposal(course, appointments), None
    except Conflict as exc:  # the later sessions cannot all be placed from there
        replan, replan_refused = None, exc.message
    context = {
        "course": course,
        "patient": course.patient,
        "replan": replan,
        # Only the course's next planned session can be recorded (its order holds).
        "next_to_record": min(
            (
                a.sequence
                for a in appointments
                if a.status == AppointmentStatus.SCHEDULED and a.sequence
            ),
            default=None,
        ),
        "replan_refused": replan_refused,
        "progress": course_progress(Counter(a.status for a in appointments), total),
        "rows": session_rows(appointments, total),
        "target_labels": [
            CourseTarget(t).label for t in course.targets if t in CourseTarget.values
        ],
        "combination_labels": [
            Combination(c).label for c in course.combinations if c in Combination.values
        ],
        "calendar_week": iso_week(shown.starts_at.astimezone(zone).date()) if shown else None,
        "warning": pre_operative_warning(
            [a.starts_at for a in appointments if a.status != AppointmentStatus.CANCELLED],
            course.operation_date,
            zone,
        ),
    }
    context["end_form"] = end_form or CourseEndForm()
    return render(request, "scheduling/course_detail.html", context, status=status)


@practice_staff_required
@require_POST
def course_end(request, pk):
    """Ends the course early with the reason typed; a missing reason comes back on the
    course page (400)."""
    course = get_scoped_or_404(selectors.courses_for(request.user), request.user, pk=pk)
    form = CourseEndForm(request.POST)
    if form.is_valid():
        try:
            rescheduling.end_course(
                actor=request.user, course=course, reason=form.cleaned_data["reason"]
            )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("courses:detail", pk=course.pk)
        else:
            messages.success(request, "Course ended early; its planned sessions are cancelled.")
            return redirect("courses:detail", pk=course.pk)
    return _render_course(request, course, end_form=form, status=400)


@practice_staff_required
@require_POST
def course_replan(request, pk):
    """Moves the course's later sessions where the course page's re-plan proposes them,
    all or none; a refusal comes back as a message on the course page."""
    course = get_scoped_or_404(selectors.courses_for(request.user), request.user, pk=pk)
    try:
        replan = rescheduling.replan_later_sessions(actor=request.user, course=course)
    except Conflict as exc:
        messages.error(request, f"Not re-planned. {exc.message}")
        return redirect("courses:detail", pk=course.pk)
    first, last = replan.moves[0][0].sequence, replan.moves[-1][0].sequence
    messages.success(
        request, f"Sessions {first} to {last} re-planned from session {replan.done.sequence}."
    )
    return redirect("courses:detail", pk=course.pk)
