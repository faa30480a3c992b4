"""Browser pages of courses and the calendar: book a course (its dates proposed first),
the course page, the clinician's week and the practice's day, an appointment with its
move and cancel; and the private calendar feed for calendar apps.

HTTP only: the gate (patients.readiness), the planner, the booking and rescheduling
services decide; selectors read with their joins, so each page runs a constant number of
queries however full the calendar.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_now, practice_today, practice_zone
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import User
from mesoplan.roles import Role, is_clinician
from mesoplan.tenancy import get_scoped_or_404
from patients.alerts import INDICATION_NAMES
from patients.models import Patient
from patients.readiness import ready_to_book
from patients.selectors import latest_screening
from protocols.models import Indication
from protocols.planner import local
from protocols.selectors import protocols_with_formulations
from sessions import booking, rescheduling, selectors
from sessions.calendar_feed import is_valid_feed_token
from sessions.calendar_grid import (
    Column,
    iso_week,
    local_period,
    parse_iso_week,
    shown_days,
    week_of,
    window_for,
)
from sessions.calendar_grid import build_column as grid_column
from sessions.course_preview import fingerprint, proposed_sessions
from sessions.forms import CalendarDateForm, CourseBookingForm, RescheduleForm, time_slots
from sessions.ical import clinician_calendar
from sessions.models import Appointment, AppointmentStatus, Combination, CourseTarget
from sessions.pre_operative import operation_date_error, pre_operative_warning
from sessions.progress import Progress, course_progress, session_rows

# Form fields of the booking page that the services' InvalidInput keys map to.
BOOKING_FIELDS = {"start": "start_date", "initial_interval_days": "interval"}


@require_GET
def calendar_feed(request, clinician_id, token):
    """A clinician's appointments for calendar apps: no credentials, no patient names."""
    user = User.objects.filter(pk=clinician_id, role=Role.CLINICIAN, is_active=True).first()
    if user is None or not is_valid_feed_token(user, token):
        raise Http404
    body = clinician_calendar(user)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def _add_errors(form, exc: InvalidInput, fields: dict[str, str] | None = None) -> None:
    for key, errors in exc.errors.items():
        name = (fields or {}).get(key, key)
        form.add_error(name if name in form.fields else None, errors)


def _slots(actor, *, also: time | None = None) -> list[tuple[str, str]]:
    """Start times from the earliest opening to the latest closing of the week."""
    opening = selectors.opening_hours_of(actor) or selectors.DEFAULT_OPENING
    periods = [period for hours in opening.values() for period in hours]
    first = min(opens for opens, _ in periods)
    last = max(closes for _, closes in periods)
    return time_slots(first, last, also=also)


# --- Booking a course -------------------------------------------------------------


def _next_open_day(actor, today: date) -> tuple[date, time]:
    opening = selectors.opening_hours_of(actor) or selectors.DEFAULT_OPENING
    for offset in range(1, 8):
        day = today + timedelta(days=offset)
        if opening.get(day.weekday()):
            return day, min(opens for opens, _ in opening[day.weekday()])
    return today + timedelta(days=1), time(9)


def _not_ready(request, patient, indication, screening, readiness, status=200):
    context = {
        "patient": patient,
        "indication": indication,
        "indication_name": INDICATION_NAMES[indication],
        "screening": screening,
        "readiness": readiness,
        "can_screen": is_clinician(request.user),
    }
    return render(request, "sessions/course_not_ready.html", context, status=status)


@practice_staff_required
@require_http_methods(["GET", "POST"])
def course_book(request, patient_pk):
    """Pick clinician, protocol, start and interval; see the proposed dates (and any
    that had to move, and why); confirm to book them all. Not ready: the gate's reasons,
    each with what resolves it."""
    user = request.user
    patient = get_scoped_or_404(Patient, user, pk=patient_pk)
    indication = request.GET.get("indication")
    if indication not in Indication.values:
        return render(
            request,
            "sessions/course_indication.html",
            {"patient": patient, "indications": INDICATION_NAMES},
        )
    screening = latest_screening(user, patient, indication)
    readiness = screening.readiness if screening else ready_to_book(indication, None)
    if not readiness.is_ready:
        status = 409 if request.method == "POST" else 200
        return _not_ready(request, patient, indication, screening, readiness, status)

    practice = user.practice
    zone = practice_zone(practice)
    clinicians = list(selectors.clinicians_for(user))
    protocols = [p for p in protocols_with_formulations() if p.indication == indication]
    intervals = sorted({days for p in protocols for days in p.schedule().interval_choices})
    first_day, first_time = _next_open_day(user, practice_today(practice))
    goal = screening.therapy_goal if screening and indication == "hair" else None
    form = CourseBookingForm(
        request.POST or None,
        initial={
            "clinician": str(user.pk if is_clinician(user) else clinicians[0].pk)
            if clinicians
            else None,
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
        slots=_slots(user),
        date_format=practice.date_format,
    )
    context = {
        "patient": patient,
        "indication": indication,
        "indication_name": INDICATION_NAMES[indication],
        "screening": screening,
        "form": form,
        "proposal": None,
    }
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)  # add_error below drops a field from cleaned_data
        operation_error = operation_date_error(data["combinations"], data["operation_date"])
        if operation_error:
            form.add_error("operation_date", operation_error)
        start = local(data["start_date"], data["start_time"], zone)
        protocol = next(p for p in protocols if p.code == data["protocol"])
        try:
            plan = booking.preview_course(
                actor=user,
                clinician_id=data["clinician"],
                protocol_code=protocol.code,
                start=start,
                initial_interval_days=data["interval"],
            )
        except InvalidInput as exc:
            _add_errors(form, exc, BOOKING_FIELDS)
        else:
            length = timedelta(minutes=protocol.schedule().session_minutes)
            facts = selectors.calendar_facts(
                user, [data["clinician"]], start.date(), start.date() + booking.PLANNING_HORIZON
            )
            rows = proposed_sessions(plan, length, facts, _uuid_of(clinicians, data["clinician"]))
            context["proposal"] = {
                "rows": rows,
                "fingerprint": fingerprint(rows),
                "moved": sum(row.moved for row in rows),
                "unplaced": [row for row in rows if not row.placed],
                "warning": pre_operative_warning(
                    [row.start for row in rows if row.start], data["operation_date"], zone
                ),
                "clinician": next(c for c in clinicians if str(c.pk) == data["clinician"]),
                "protocol": protocol,
            }
            if request.POST.get("action") == "book" and not form.errors:
                if request.POST.get("proposal") != context["proposal"]["fingerprint"]:
                    context["changed"] = True
                else:
                    try:
                        booked = booking.book_course(
                            actor=user,
                            patient=patient,
                            protocol_code=protocol.code,
                            clinician_id=data["clinician"],
                            start=start,
                            initial_interval_days=data["interval"],
                            targets=data["targets"],
                            combinations=data["combinations"],
                            operation_date=data["operation_date"],
                        )
                    except InvalidInput as exc:
                        _add_errors(form, exc, BOOKING_FIELDS)
                    except Conflict as exc:
                        context["conflict"] = exc.message
                    else:
                        messages.success(
                            request,
                            f"Course booked: {len(booked.appointments)} sessions from "
                            f"{booked.appointments[0].starts_at.astimezone(zone):%a %d %b %Y, %H:%M}.",
                        )
                        return redirect("courses:detail", pk=booked.course.pk)
    status = 400 if form.errors else 409 if context.get("conflict") else 200
    return render(request, "sessions/course_book.html", context, status=status)


def _uuid_of(clinicians: list[User], pk: str):
    return next((c.pk for c in clinicians if str(c.pk) == pk), pk)


# --- The course page --------------------------------------------------------------


@practice_staff_required
@require_GET
def course_detail(request, pk):
    course = get_scoped_or_404(selectors.courses_for(request.user), request.user, pk=pk)
    appointments = list(
        course.appointments.select_related("clinician").order_by("sequence", "starts_at")
    )
    total = course.protocol.session_count
    zone = practice_zone(request.user.practice)
    rows = session_rows(appointments, total)
    now = timezone.now()
    ahead = [a for a in appointments if a.status == AppointmentStatus.SCHEDULED and a.ends_at > now]
    shown = (ahead or appointments or [None])[0]
    context = {
        "course": course,
        "patient": course.patient,
        "progress": course_progress(Counter(a.status for a in appointments), total),
        "rows": rows,
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
    return render(request, "sessions/course_detail.html", context)


# --- An appointment: detail, move, cancel -------------------------------------------


def _appointment(request, pk) -> Appointment:
    return get_scoped_or_404(
        selectors.appointments_for(request.user).select_related("course__protocol"),
        request.user,
        pk=pk,
    )


def _render_appointment(request, appointment, form=None, conflict=None, status=200):
    zone = practice_zone(request.user.practice)
    start = appointment.starts_at.astimezone(zone)
    if form is None:
        form = RescheduleForm(
            initial={"date": start.date(), "time": start.strftime("%H:%M")},
            slots=_slots(request.user, also=start.time().replace(tzinfo=None)),
            date_format=request.user.practice.date_format,
        )
    course = appointment.course
    context = {
        "appointment": appointment,
        "start": start,
        "end": appointment.ends_at.astimezone(zone),
        "progress": selectors.progress_of([course]).get(course.pk) if course else None,
        "form": form,
        "conflict": conflict,
        "is_scheduled": appointment.status == AppointmentStatus.SCHEDULED,
        "week": iso_week(start.date()),
    }
    return render(request, "sessions/appointment_detail.html", context, status=status)


@practice_staff_required
@require_GET
def appointment_detail(request, pk):
    return _render_appointment(request, _appointment(request, pk))


@practice_staff_required
@require_POST
def appointment_reschedule(request, pk):
    """A new date and time. A course session takes the later sessions with it; when one
    of them cannot follow, nothing moves and the page says which and why (409)."""
    appointment = _appointment(request, pk)
    practice = request.user.practice
    zone = practice_zone(practice)
    form = RescheduleForm(
        request.POST,
        slots=_slots(request.user, also=appointment.starts_at.astimezone(zone).time()),
        date_format=practice.date_format,
    )
    if not form.is_valid():
        return _render_appointment(request, appointment, form, status=400)
    starts_at = local(form.cleaned_data["date"], form.cleaned_data["time"], zone)
    try:
        moved = rescheduling.reschedule(
            actor=request.user, appointment=appointment, starts_at=starts_at
        )
    except Conflict as exc:
        return _render_appointment(request, appointment, form, conflict=exc.message, status=409)
    except InvalidInput as exc:
        _add_errors(form, exc, {"starts_at": "date"})
        return _render_appointment(request, appointment, form, status=400)
    label = f"Session {appointment.sequence}" if appointment.sequence else "The appointment"
    text = f"{label} moved to {starts_at:%a %d %b %Y, %H:%M}."
    if len(moved) > 1:
        later = [m.sequence for m in moved[1:]]
        text += f" Sessions {later[0]} to {later[-1]} moved with it, keeping the intervals."
    messages.success(request, text)
    if appointment.course_id:
        return redirect("courses:detail", pk=appointment.course_id)
    return _to_week(appointment.clinician_id, starts_at.date())


def _to_week(clinician_id, day: date):
    return redirect(f"{reverse('calendar:week')}?clinician={clinician_id}&week={iso_week(day)}")


@practice_staff_required
@require_http_methods(["GET", "POST"])
def appointment_cancel(request, pk):
    """GET asks for confirmation (works without JavaScript); POST cancels."""
    appointment = _appointment(request, pk)
    zone = practice_zone(request.user.practice)
    if request.method == "POST":
        try:
            rescheduling.cancel(actor=request.user, appointment=appointment)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("calendar:appointment", pk=appointment.pk)
        messages.success(
            request,
            f"Cancelled: {appointment.patient.full_name}, "
            f"{appointment.starts_at.astimezone(zone):%a %d %b %Y, %H:%M}. The slot is free.",
        )
        if appointment.course_id:
            return redirect("courses:detail", pk=appointment.course_id)
        return _to_week(appointment.clinician_id, appointment.starts_at.astimezone(zone).date())
    context = {"appointment": appointment, "start": appointment.starts_at.astimezone(zone)}
    return render(request, "sessions/appointment_cancel.html", context)


# --- Calendars --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """An appointment as the calendar shows it: local times, course progress."""

    appointment: Appointment
    start: datetime
    end: datetime
    progress: Progress | None


def _shown_day(request, *, show_date: bool) -> tuple[date, CalendarDateForm, bool]:
    """The day asked for (or today), the form to show (the typed text when it could not
    be read; else the day in the practice's format) and whether it could be read."""
    practice = request.user.practice
    today = practice_today(practice)
    form = CalendarDateForm(request.GET, date_format=practice.date_format)
    if not form.is_valid():
        return today, form, False
    week = form.cleaned_data["week"]
    monday = parse_iso_week(week) if week else None
    if week and monday is None:
        form.add_error("week", "Write the week as 2026-W37.")
        return today, form, False
    shown = form.cleaned_data["date"] or monday or today
    initial = {"date": shown} if show_date else {}
    return shown, CalendarDateForm(initial=initial, date_format=practice.date_format), True


def _entries(request, appointments, zone) -> tuple[list[Entry], list[Entry]]:
    """(active, cancelled) appointments with their courses' progress (one query)."""
    courses = {a.course_id: a.course for a in appointments if a.course_id}
    progress = selectors.progress_of(courses.values())
    entries = [
        Entry(
            a, a.starts_at.astimezone(zone), a.ends_at.astimezone(zone), progress.get(a.course_id)
        )
        for a in appointments
    ]
    active = [e for e in entries if e.appointment.status != AppointmentStatus.CANCELLED]
    cancelled = [e for e in entries if e.appointment.status == AppointmentStatus.CANCELLED]
    return active, cancelled


def _now_row(window, columns: list[Column], now: datetime) -> int | None:
    if not any(column.is_today for column in columns):
        return None
    minute = now.hour * 60 + now.minute
    place = window.place(minute, minute + 1)
    return place[0] if place else None


@practice_staff_required
@require_GET
def calendar_week(request):
    """One clinician's week as a time grid: the signed-in clinician's by default."""
    user = request.user
    practice = user.practice
    zone = practice_zone(practice)
    today = practice_today(practice)
    clinicians = list(selectors.clinicians_for(user))
    wanted = request.GET.get("clinician")
    if wanted:
        clinician = next((c for c in clinicians if str(c.pk) == wanted), None)
        if clinician is None:
            raise Http404("No clinician of this practice has this id.")
    else:
        mine = next((c for c in clinicians if c.pk == user.pk), None)
        clinician = mine or (clinicians[0] if clinicians else None)
    shown, date_form, valid = _shown_day(request, show_date=False)
    days = week_of(shown)
    context = {
        "date_form": date_form,
        "clinicians": clinicians,
        "clinician": clinician,
        "days": days,
        "week": iso_week(days[0]),
        "previous": iso_week(days[0] - timedelta(days=7)),
        "next": iso_week(days[0] + timedelta(days=7)),
        "this_week": iso_week(today),
        "is_this_week": today in days,
    }
    if clinician is not None:
        since, until = (
            local(days[0], time(0), zone),
            local(days[-1] + timedelta(days=1), time(0), zone),
        )
        appointments = list(
            selectors.calendar_appointments(
                user, since=since, until=until, clinician_ids=[clinician.pk]
            )
        )
        facts = selectors.calendar_facts(user, [clinician.pk], days[0], days[-1])
        active, cancelled = _entries(request, appointments, zone)
        busy = {e.start.date() for e in active}
        visible = shown_days(days, facts, busy)
        window = window_for(
            [facts.hours(day, clinician.pk) for day in visible],
            [local_period(e.start, e.end, e.start.date(), zone) for e in active],
        )
        columns = [
            grid_column(
                key=day,
                day=day,
                today=today,
                window=window,
                hours=facts.hours(day, clinician.pk),
                closed=facts.closed_because(day, clinician.pk),
                items=[(e.start, e.end, e) for e in active if e.start.date() == day],
                zone=zone,
            )
            for day in visible
        ]
        context.update(
            {
                "window": window,
                "columns": columns,
                "hidden_days": [day for day in days if day not in visible],
                "cancelled": cancelled,
                "now_row": _now_row(window, columns, practice_now(practice)),
            }
        )
    return render(request, "sessions/calendar_week.html", context, status=200 if valid else 400)


@practice_staff_required
@require_GET
def calendar_day(request):
    """The practice's day: one column per clinician."""
    user = request.user
    practice = user.practice
    zone = practice_zone(practice)
    today = practice_today(practice)
    day, date_form, valid = _shown_day(request, show_date=True)
    clinicians = list(selectors.clinicians_for(user))
    ids = [c.pk for c in clinicians]
    since, until = local(day, time(0), zone), local(day + timedelta(days=1), time(0), zone)
    appointments = list(
        selectors.calendar_appointments(user, since=since, until=until, clinician_ids=ids)
    )
    facts = selectors.calendar_facts(user, ids, day, day)
    active, cancelled = _entries(request, appointments, zone)
    window = window_for(
        [facts.hours(day, c.pk) for c in clinicians],
        [local_period(e.start, e.end, day, zone) for e in active],
    )
    columns = [
        grid_column(
            key=clinician,
            day=day,
            today=today,
            window=window,
            hours=facts.hours(day, clinician.pk),
            closed=facts.closed_because(day, clinician.pk),
            items=[
                (e.start, e.end, e) for e in active if e.appointment.clinician_id == clinician.pk
            ],
            zone=zone,
        )
        for clinician in clinicians
    ]
    context = {
        "date_form": date_form,
        "day": day,
        "is_today": day == today,
        "practice_closed": facts.closed_because(day),
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "today": today,
        "week": iso_week(day),
        "window": window,
        "columns": columns,
        "cancelled": cancelled,
        "now_row": _now_row(window, columns, practice_now(practice)),
    }
    return render(request, "sessions/calendar_day.html", context, status=200 if valid else 400)
