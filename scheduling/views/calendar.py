"""Browser pages of the calendar: a clinician's week and the practice's day as time
grids, an appointment with its move and cancel; and the private calendar feed for
calendar apps. (Courses are in views/courses.py, the managers' settings in
views/settings.py.)

HTTP only: the rescheduling service decides; selectors read with their joins, so each
page runs a constant number of queries however full the calendar.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_now, practice_today, practice_zone
from mesoplan.date_bounds import OUT_OF_RANGE, is_within
from mesoplan.date_display import practice_datetime
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.form_errors import add_service_errors
from mesoplan.models import User
from mesoplan.roles import Role
from mesoplan.tenancy import get_scoped_or_404
from protocols.planner import local
from scheduling import day_actions, rescheduling, selectors
from scheduling.attendance import LABELS, DayAction, allowed
from scheduling.calendar_feed import is_valid_feed_token
from scheduling.calendar_grid import (
    Column,
    iso_week,
    local_period,
    parse_iso_week,
    shown_days,
    week_of,
    window_for,
)
from scheduling.calendar_grid import build_column as grid_column
from scheduling.conditional_feed import feed_answer
from scheduling.day_actions import visit_of
from scheduling.forms import CalendarDateForm, CancelForm, RescheduleForm, opening_slots
from scheduling.models import Appointment, AppointmentStatus
from scheduling.progress import Progress


@require_GET
def calendar_feed(request, clinician_id, token):
    """A clinician's appointments for calendar apps: no credentials, no patient names."""
    user = User.objects.filter(pk=clinician_id, role=Role.CLINICIAN, is_active=True).first()
    if user is None or not is_valid_feed_token(user, token):
        raise Http404
    return feed_answer(request, user)


def _slots(actor, *, also: time | None = None) -> list[tuple[str, str]]:
    """The times an appointment may be moved to (its current time too)."""
    return opening_slots(selectors.opening_hours_of(actor) or selectors.DEFAULT_OPENING, also=also)


# --- An appointment: detail, move, cancel -------------------------------------------


def _appointment(request, pk) -> Appointment:
    return get_scoped_or_404(
        selectors.appointments_for(request.user).select_related("course__protocol"),
        request.user,
        pk=pk,
    )


def _render_appointment(
    request, appointment, form=None, conflict=None, status=200, proposal=None, changed=False
):
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
        "proposal": proposal,
        "proposal_changed": changed,
        "is_scheduled": appointment.status == AppointmentStatus.SCHEDULED,
        "week": iso_week(start.date()),
        "arrived": appointment.arrived_at.astimezone(zone) if appointment.arrived_at else None,
        "day_actions": [
            (action.value, LABELS[action])
            for action in allowed(visit_of(appointment), practice_now(request.user.practice), zone)
        ],
    }
    return render(request, "scheduling/appointment_detail.html", context, status=status)


def _move_form(request, appointment, data, initial=None) -> RescheduleForm:
    practice = request.user.practice
    start = appointment.starts_at.astimezone(practice_zone(practice))
    return RescheduleForm(
        data,
        initial=initial,
        slots=_slots(request.user, also=start.time().replace(tzinfo=None)),
        date_format=practice.date_format,
    )


def _propose(request, appointment, form):
    """The page with what the move in `form` would do (a read: nothing is saved), or why
    it cannot be done."""
    if not form.is_valid():
        return _render_appointment(request, appointment, form, status=400)
    zone = practice_zone(request.user.practice)
    starts_at = local(form.cleaned_data["date"], form.cleaned_data["time"], zone)
    try:
        proposal = rescheduling.preview_move(
            actor=request.user, appointment=appointment, starts_at=starts_at
        )
    except Conflict as exc:
        return _render_appointment(request, appointment, form, conflict=exc.message, status=409)
    except InvalidInput as exc:
        add_service_errors(form, exc, {"starts_at": "date"})
        return _render_appointment(request, appointment, form, status=400)
    data = form.cleaned_data  # shown again as the practice writes it, however it came
    shown = _move_form(
        request,
        appointment,
        None,
        initial={
            "date": data["date"].strftime(form.fields["date"].widget.format),
            "time": data["time"].strftime("%H:%M"),
        },
    )
    return _render_appointment(request, appointment, shown, proposal=proposal)


@practice_staff_required
@require_GET
def appointment_detail(request, pk):
    """The appointment; with ?date=&time= (the move form, or a drag in the calendar) also
    what moving it there would do. Proposing is a read, so it is a GET: Back and Reload
    show it again and save nothing."""
    appointment = _appointment(request, pk)
    if "date" in request.GET or "time" in request.GET:
        return _propose(request, appointment, _move_form(request, appointment, request.GET))
    return _render_appointment(request, appointment)


@practice_staff_required
@require_POST
def appointment_reschedule(request, pk):
    """A new date and time: first the proposal (every appointment that would change, and
    why), saved only once confirmed. A course session takes the later sessions with it;
    when one of them cannot follow, nothing moves and the page says which and why (409).
    A confirmation whose proposal no longer holds shows the new one (409) and saves
    nothing."""
    appointment = _appointment(request, pk)
    form = _move_form(request, appointment, request.POST)
    if not form.is_valid() or not form.cleaned_data["proposal"]:
        return _propose(request, appointment, form)
    zone = practice_zone(request.user.practice)
    starts_at = local(form.cleaned_data["date"], form.cleaned_data["time"], zone)
    try:
        saved = rescheduling.reschedule(
            actor=request.user,
            appointment=appointment,
            starts_at=starts_at,
            proposal=form.cleaned_data["proposal"],
        )
    except Conflict as exc:
        if exc.code == "proposal_changed":
            proposal = rescheduling.preview_move(
                actor=request.user, appointment=appointment, starts_at=starts_at
            )
            return _render_appointment(
                request, appointment, form, proposal=proposal, changed=True, status=409
            )
        return _render_appointment(request, appointment, form, conflict=exc.message, status=409)
    except InvalidInput as exc:
        add_service_errors(form, exc, {"starts_at": "date"})
        return _render_appointment(request, appointment, form, status=400)
    messages.success(request, moved_message(saved))
    if appointment.course_id:
        return redirect("courses:detail", pk=appointment.course_id)
    return _to_week(appointment.clinician_id, saved.starts_at.date())


DONE_MESSAGES = {
    DayAction.CHECK_IN: "{name} checked in at {time}.",
    DayAction.UNDO_CHECK_IN: "Check-in of {name} undone.",
    DayAction.NO_SHOW: "{name} marked as no-show.",
    DayAction.UNDO_NO_SHOW: "No-show of {name} undone: the appointment is scheduled again.",
    DayAction.DONE: "Consultation with {name} marked done.",
}


@practice_staff_required
@require_POST
def appointment_day_action(request, pk, action):
    """Check in, no-show, done (and their undo), then back to the page it was asked from
    (the day view, the clinician's home) or the appointment."""
    appointment = _appointment(request, pk)
    try:
        wanted = DayAction(action)
    except ValueError:
        raise Http404("No such action.") from None
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("calendar:appointment", args=[appointment.pk])
    try:
        done = day_actions.perform(actor=request.user, appointment=appointment, action=wanted)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(back)
    zone = practice_zone(request.user.practice)
    at = done.arrived_at.astimezone(zone) if done.arrived_at else practice_now(done.practice)
    messages.success(
        request,
        DONE_MESSAGES[wanted].format(name=appointment.patient.full_name, time=f"{at:%H:%M}"),
    )
    return redirect(back)


def moved_message(saved) -> str:
    """What the move did: the appointment's new time as saved, and how many later
    sessions moved with it."""
    label = (
        f"Session {saved.appointment.sequence}" if saved.appointment.sequence else "The appointment"
    )
    text = f"{label} moved to {practice_datetime(saved.starts_at, weekday=True)}."
    later = saved.later_moved
    if later:
        text += f" {later} later session{'s' if later != 1 else ''} moved with it."
    elif saved.appointment.course_id:
        text += " No later session had to move."
    return text


def _to_week(clinician_id, day: date):
    return redirect(f"{reverse('calendar:week')}?clinician={clinician_id}&week={iso_week(day)}")


@practice_staff_required
@require_http_methods(["GET", "POST"])
def appointment_cancel(request, pk):
    """GET asks why (works without JavaScript); POST cancels and goes back to the
    course or the week (redirect after POST)."""
    appointment = _appointment(request, pk)
    zone = practice_zone(request.user.practice)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rescheduling.cancel(
                actor=request.user,
                appointment=appointment,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("calendar:appointment", pk=appointment.pk)
        messages.success(
            request,
            f"Cancelled: {appointment.patient.full_name}, "
            f"{practice_datetime(appointment.starts_at, zone, weekday=True)}. The slot is free.",
        )
        if appointment.course_id:
            return redirect("courses:detail", pk=appointment.course_id)
        return _to_week(appointment.clinician_id, appointment.starts_at.astimezone(zone).date())
    context = {
        "appointment": appointment,
        "start": appointment.starts_at.astimezone(zone),
        "form": form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "scheduling/appointment_cancel.html", context, status=status)


# --- Calendars --------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """An appointment as the calendar shows it: local times, course progress, its
    clinician (one of the calendar's)."""

    appointment: Appointment
    clinician: User
    start: datetime
    end: datetime
    progress: Progress | None
    arrived: datetime | None = None


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
    if not is_within(shown):  # a week as 9999-W52: its next week overflows
        form.add_error("week" if week else "date", OUT_OF_RANGE)
        return today, form, False
    initial = {"date": shown} if show_date else {}
    return shown, CalendarDateForm(initial=initial, date_format=practice.date_format), True


def _entries(appointments, zone, clinicians) -> tuple[list[Entry], list[Entry]]:
    """(active, cancelled) appointments of the `clinicians` with their courses' progress
    (one query)."""
    courses = {a.course_id: a.course for a in appointments if a.course_id}
    progress = selectors.progress_of(courses.values())
    by_id = {c.pk: c for c in clinicians}
    entries = [
        Entry(
            a,
            by_id[a.clinician_id],
            a.starts_at.astimezone(zone),
            a.ends_at.astimezone(zone),
            progress.get(a.course_id),
            a.arrived_at.astimezone(zone) if a.arrived_at else None,
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
    now = practice_now(practice)
    now_minute = now.hour * 60 + now.minute
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
        active, cancelled = _entries(appointments, zone, [clinician])
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
                now_minute=now_minute,
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
    return render(request, "scheduling/calendar_week.html", context, status=200 if valid else 400)


@practice_staff_required
@require_GET
def calendar_day(request):
    """The practice's day: one column per clinician."""
    user = request.user
    practice = user.practice
    zone = practice_zone(practice)
    today = practice_today(practice)
    day, date_form, valid = _shown_day(request, show_date=True)
    now = practice_now(practice)
    now_minute = now.hour * 60 + now.minute
    clinicians = list(selectors.clinicians_for(user))
    ids = [c.pk for c in clinicians]
    since, until = local(day, time(0), zone), local(day + timedelta(days=1), time(0), zone)
    appointments = list(
        selectors.calendar_appointments(user, since=since, until=until, clinician_ids=ids)
    )
    facts = selectors.calendar_facts(user, ids, day, day)
    active, cancelled = _entries(appointments, zone, clinicians)
    window = window_for(
        [facts.hours(day, c.pk) for c in clinicians],
        [local_period(e.start, e.end, day, zone) for e in active],
    )
    by_clinician: dict = {}
    for e in active:
        by_clinician.setdefault(e.appointment.clinician_id, []).append((e.start, e.end, e))
    columns = [
        grid_column(
            key=clinician,
            day=day,
            today=today,
            window=window,
            hours=facts.hours(day, clinician.pk),
            closed=facts.closed_because(day, clinician.pk),
            items=by_clinician.get(clinician.pk, []),
            zone=zone,
            now_minute=now_minute,
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
    return render(request, "scheduling/calendar_day.html", context, status=200 if valid else 400)
