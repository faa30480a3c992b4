"""What moving an appointment would do, before anything is saved: every appointment that
would change (from, to, and why), or the refusal the move itself would give.
`rescheduling.reschedule` saves exactly this proposal, so what the appointment page and
the API's dry run show is what is saved (DOMAIN.md, "The course: schedule").

The chosen appointment goes exactly where it was asked to; a course's later scheduled
sessions are planned again from it by `protocols.planner.plan_course_dates`. Reads only.
"""

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from mesoplan.clock import practice_zone
from mesoplan.date_display import practice_date, practice_datetime, practice_weekday
from mesoplan.errors import Conflict, InvalidInput
from protocols.planner import (
    Availability,
    PlannedSession,
    Schedule,
    is_free,
    local,
    plan_course_dates,
    planning_window,
    session_end,
)

from .course_order import move_refusal
from .horizon import horizon_refusal
from .models import Appointment, AppointmentStatus, Closure, Course
from .selectors import availability_for, course_sessions, overlapping

Period = tuple[datetime, datetime]
CHOSEN = "chosen time"


@dataclass(frozen=True)
class ProposedMove:
    """One appointment of the move: where it is, where it would go, and why there."""

    appointment: Appointment
    starts_at_before: datetime
    ends_at_before: datetime
    starts_at: datetime
    ends_at: datetime
    reason: str
    # Placed on another day or time than the interval gives (a closed day, a busy slot):
    # the page highlights it.
    is_off_interval: bool = False

    @property
    def sequence(self) -> int | None:
        return self.appointment.sequence

    @property
    def changes(self) -> bool:
        return (self.starts_at, self.ends_at) != (self.starts_at_before, self.ends_at_before)


@dataclass(frozen=True)
class MoveProposal:
    """A move, computed: `moves` are the chosen appointment first, then the course's later
    scheduled sessions in order (those that stay where they are too)."""

    appointment: Appointment
    starts_at: datetime
    moves: tuple[ProposedMove, ...]

    @property
    def changes(self) -> list[ProposedMove]:
        """The appointments that would change: the only ones shown."""
        return [move for move in self.moves if move.changes]

    @property
    def later_moved(self) -> int:
        return sum(1 for move in self.changes if move.appointment.pk != self.appointment.pk)

    @property
    def token(self) -> str:
        """The proposal in a short string: confirming sends it back, and a move whose
        result differs from what was shown answers 409 `proposal_changed`."""
        text = ";".join(
            f"{m.appointment.pk}={m.starts_at.timestamp():.0f}-{m.ends_at.timestamp():.0f}"
            for m in self.changes
        )
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def conflict(sequence: int | None, start: datetime, reason: str) -> Conflict:
    label = f"Session {sequence}" if sequence else "The appointment"
    return Conflict(
        f"{label} cannot be placed: {reason} Nothing was moved.",
        "reschedule_conflict",
        {"conflicting": {"sequence": sequence, "starts_at": start.isoformat(), "reason": reason}},
    )


def schedule_of(course: Course, length: timedelta) -> Schedule:
    """The course's protocol schedule, with the length of the sessions as booked."""
    return replace(course.protocol.schedule(), session_minutes=int(length.total_seconds() // 60))


def calendar_for(
    clinician, start: datetime, schedule: Schedule, moving, patient_id
) -> Availability:
    """What is free for the moving appointments over everything a plan from `start` may
    look at (they do not stand in their own way)."""
    since, until = planning_window(start, schedule)
    return availability_for(
        clinician, since, until, ignoring=[a.pk for a in moving], patient_id=patient_id
    )


def refuse_move(appointment: Appointment, starts_at: datetime, zone) -> None:
    """400 for a time in the past or beyond the booking horizon, 409 for a course
    session before its predecessor."""
    if beyond := horizon_refusal(
        starts_at, timezone.now(), ahead_days=settings.BOOKING_HORIZON_DAYS
    ):
        raise InvalidInput({"starts_at": [beyond]})
    refusal = move_refusal(
        appointment.sequence, starts_at, timezone.now(), course_sessions(appointment), zone
    )
    if refusal is None:
        return
    if refusal.kind == "past":
        raise InvalidInput({"starts_at": [refusal.message]})
    raise Conflict(refusal.message + " Nothing was moved.", "out_of_order")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def why_off_interval(
    ideal: datetime,
    placed: datetime,
    length: timedelta,
    availability: Availability,
    *,
    closures: Mapping[date, str] = {},
    patient_busy: Sequence[Period] = (),
    taken: Sequence[Period] = (),
    not_before: datetime | None = None,
) -> str:
    """How far a session moved off where the interval put it, and what stood there.

    >>> from datetime import time
    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> hours = Availability(berlin, {d: [(time(8), time(18))] for d in range(5)})
    >>> sat = datetime(2026, 3, 14, 10, tzinfo=berlin)
    >>> why_off_interval(sat, sat - timedelta(days=1), timedelta(minutes=45), hours)
    'moved 1 day earlier: the practice is closed on Saturdays'
    >>> busy = Availability(berlin, hours.opening, busy=[(sat - timedelta(days=3), sat - timedelta(days=3, minutes=-60))])
    >>> why_off_interval(sat - timedelta(days=3), sat - timedelta(days=3, minutes=-60), timedelta(minutes=45), busy)
    'moved to 11:00: the clinician is busy at 10:00'
    """
    zone = availability.zone
    ideal, placed = ideal.astimezone(zone), placed.astimezone(zone)
    days = (placed.date() - ideal.date()).days
    if days:
        shift = f"{_plural(abs(days), 'day')} {'later' if days > 0 else 'earlier'}"
        if placed.time() != ideal.time():
            shift += f", to {placed:%H:%M}"
    else:
        shift = f"to {placed:%H:%M}"
    cause = _what_stood_there(
        ideal, length, availability, closures, patient_busy, taken, not_before
    )
    return f"moved {shift}: {cause}"


def _overlaps(start: datetime, end: datetime, periods: Sequence[Period]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in periods)


def _what_stood_there(ideal, length, availability, closures, patient_busy, taken, not_before):
    """The first thing in the way of `ideal`, named as the page says it."""
    day = ideal.date()
    when = f"{ideal:%H:%M}"
    if day in closures:
        reason = f" ({closures[day]})" if closures[day] else ""
        return f"{practice_date(day, weekday=True, year=False)} is closed{reason}"
    if day in availability.closed:
        return f"the clinician is away on {practice_date(day, weekday=True, year=False)}"
    if day.weekday() not in availability.opening:
        return f"the practice is closed on {practice_weekday(day)}s"
    hours = availability.opening[day.weekday()]
    if not hours:
        return f"the clinician does not work on {practice_weekday(day)}s"
    if not_before is not None and ideal < not_before:
        return f"{practice_date(day, weekday=True, year=False)}, {when} has passed"
    end = session_end(ideal, length)
    if not any(
        local(day, opens, availability.zone) <= ideal
        and end <= local(day, closes, availability.zone)
        for opens, closes in hours
    ):
        shown = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in hours)
        return f"{when} is outside the hours ({shown})"
    if _overlaps(ideal, end, taken):
        return f"another session of this course is at {when}"
    if _overlaps(ideal, end, patient_busy):
        return f"the patient has another appointment at {when}"
    return f"the clinician is busy at {when}"


def interval_phrase(session: PlannedSession, schedule: Schedule, interval_days: int) -> str:
    """Where the schedule counts a later session from: the one before it, as proposed.

    >>> from datetime import UTC
    >>> at = datetime(2026, 3, 9, 10, tzinfo=UTC)
    >>> interval_phrase(PlannedSession(3, at, at, at), Schedule(), 7)
    '7 days after session 2'
    >>> interval_phrase(PlannedSession(6, at, at, at), Schedule(), 7)
    'one month after session 5'
    """
    previous = session.sequence - 1
    if session.sequence <= schedule.initial_sessions:
        return f"{interval_days} days after session {previous}"
    months = schedule.months_between_later_sessions
    return f"{'one month' if months == 1 else f'{months} months'} after session {previous}"


def interval_reason(session: PlannedSession, schedule: Schedule, interval_days: int) -> str:
    """Why a later session lies where the schedule puts it.

    >>> from datetime import UTC
    >>> at = datetime(2026, 3, 9, 10, tzinfo=UTC)
    >>> interval_reason(PlannedSession(3, at, at, at), Schedule(), 7)
    'keeps the interval: 7 days after session 2'
    >>> interval_reason(PlannedSession(6, at, at, at), Schedule(), 7)
    'monthly: one month after session 5 as booked'
    """
    phrase = interval_phrase(session, schedule, interval_days)
    if session.sequence <= schedule.initial_sessions:
        return f"keeps the interval: {phrase}"
    return f"monthly: {phrase} as booked"


def later_sessions(appointment: Appointment, *, for_update: bool = False) -> list[Appointment]:
    """The course's scheduled sessions after `appointment`, in order (none outside a course)."""
    if appointment.course_id is None:
        return []
    rows = Appointment.objects.filter(
        course_id=appointment.course_id,
        sequence__gt=appointment.sequence,
        status=AppointmentStatus.SCHEDULED,
    ).order_by("sequence")
    return list(rows.select_for_update() if for_update else rows)


def move_proposal(
    appointment: Appointment,
    starts_at: datetime,
    *,
    length: timedelta | None = None,
    for_update: bool = False,
) -> MoveProposal:
    """Every appointment that moving `appointment` to exactly `starts_at` would change,
    each with its reason; or the refusal the move would give (400 in the past, 409
    `out_of_order`, `not_scheduled` or `reschedule_conflict`). Writes nothing;
    `for_update` locks the later sessions (the move's own transaction)."""
    if appointment.status != AppointmentStatus.SCHEDULED:
        raise Conflict(f"A {appointment.status} appointment cannot be moved.", "not_scheduled")
    zone = practice_zone(appointment.practice)
    refuse_move(appointment, starts_at, zone)
    starts_at = starts_at.astimezone(zone)
    if length is None:  # the length kept: real time, both are UTC
        length = appointment.ends_at - appointment.starts_at
    moving = [appointment, *later_sessions(appointment, for_update=for_update)]
    course = appointment.course
    schedule = schedule_of(course, length) if course is not None else Schedule()
    calendar = calendar_for(
        appointment.clinician, starts_at, schedule, moving, appointment.patient_id
    )
    chosen = ProposedMove(
        appointment,
        appointment.starts_at,
        appointment.ends_at,
        starts_at,
        session_end(starts_at, length),
        CHOSEN,
    )
    if course is None:
        if not is_free(starts_at, length, calendar, ()):
            raise conflict(None, starts_at, "the practice is closed or the clinician is busy.")
        return MoveProposal(appointment, starts_at, (chosen,))
    now = timezone.now()
    plan = plan_course_dates(
        starts_at,
        course.initial_interval_days,
        schedule,
        calendar,
        first_sequence=appointment.sequence or 1,
        exact_first=True,
        not_before=now,
    )
    sequences = {a.sequence for a in moving}
    for unplaced in plan.unplaced:
        if unplaced.sequence in sequences:
            raise conflict(unplaced.sequence, unplaced.ideal_start, unplaced.reason)
    placed: dict[int | None, PlannedSession] = {s.sequence: s for s in plan.sessions}
    off = [placed[a.sequence] for a in moving[1:] if placed[a.sequence].moved]
    closures, patient_busy = _context_for(appointment, moving, off, zone)
    moves = [chosen]
    for later in moving[1:]:
        session = placed[later.sequence]
        interval = course.initial_interval_days
        reason = interval_reason(session, schedule, interval)
        if session.moved:
            taken = [(s.start, s.end) for s in plan.sessions if s.sequence < session.sequence]
            why = why_off_interval(
                session.ideal_start,
                session.start,
                length,
                calendar,
                closures=closures,
                patient_busy=patient_busy,
                taken=taken,
                not_before=now,
            )
            ideal = session.ideal_start.astimezone(zone)
            phrase = interval_phrase(session, schedule, interval)
            reason = (
                f"{why}; {phrase} would be {practice_datetime(ideal, weekday=True, year=False)}"
            )
        moves.append(
            ProposedMove(
                later,
                later.starts_at,
                later.ends_at,
                session.start.astimezone(zone),
                session.end.astimezone(zone),
                reason,
                is_off_interval=session.moved,
            )
        )
    return MoveProposal(appointment, starts_at, tuple(moves))


def _context_for(appointment, moving, off: list[PlannedSession], zone):
    """The closures' reasons and the patient's other appointments on the days a session
    moved off its interval (two queries, only when one did), to say what stood there."""
    if not off:
        return {}, []
    days = [s.ideal_start.astimezone(zone).date() for s in off]
    closures = dict(
        Closure.objects.filter(practice_id=appointment.practice_id, day__in=days).values_list(
            "day", "reason"
        )
    )
    around = Q()
    for session in off:
        around |= overlapping(
            session.ideal_start - timedelta(days=1), session.ideal_start + timedelta(days=1)
        )
    patient_busy = list(
        Appointment.objects.filter(around, patient_id=appointment.patient_id)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exclude(pk__in=[a.pk for a in moving])
        .values_list("starts_at", "ends_at")
    )
    return closures, patient_busy
