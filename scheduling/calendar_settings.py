"""The practice's calendar settings, kept by its practice managers: opening hours per
weekday (split days allowed), closures, each clinician's working hours and absences, and
the default length of each appointment kind. The planner and the calendars read them
(scheduling.selectors).

The service contract (docs/conventions.md): each takes the acting user, lets only a practice
manager act, treats another practice's clinician or row as not found (404), runs in one
transaction and writes its audit entry.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.db import transaction

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.date_display import practice_date
from mesoplan.errors import InvalidInput
from mesoplan.models import User
from mesoplan.roles import Role, require_practice_manager
from mesoplan.tenancy import ensure_in_scope, scoped
from protocols.planner import local

from .models import (
    Absence,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Closure,
    KindLength,
    OpeningHours,
    Weekday,
    WorkingHours,
)
from .selectors import overlapping

DayHours = Sequence[tuple[time, time]]
# The longest closure or absence entered at once: a year (longer is a typo).
LONGEST_SPAN_DAYS = 366
KIND_MINUTES_RANGE = (5, 480)


@dataclass(frozen=True)
class Added:
    """What was added, and how many booked appointments fall in it (to move them)."""

    count: int
    clashes: int


def weekday_key(weekday: int) -> str:
    """The field name of a weekday in errors and forms: "monday" ... "sunday"."""
    return Weekday(weekday).name.lower()


def _checked_hours(hours: Mapping[int, DayHours]) -> dict[int, list[tuple[time, time]]]:
    """Each weekday's periods, ordered; a period that ends before it starts, or two
    that overlap, are refused naming the weekday."""
    errors: dict[str, list[str]] = {}
    result: dict[int, list[tuple[time, time]]] = {}
    for weekday, periods in hours.items():
        if weekday not in Weekday.values:
            raise InvalidInput({"weekday": [f"{weekday} is not a weekday (0 = Monday)."]})
        ordered = sorted(periods)
        key = weekday_key(weekday)
        for opens, closes in ordered:
            if opens >= closes:
                errors.setdefault(key, []).append(
                    f"{opens:%H:%M}-{closes:%H:%M}: the end must be after the start."
                )
        for (_, first_end), (second_start, _) in pairwise(ordered):
            if second_start < first_end:
                errors.setdefault(key, []).append(
                    f"The periods overlap at {second_start:%H:%M}: enter each time once."
                )
        if ordered:
            result[weekday] = ordered
    if errors:
        raise InvalidInput(errors)
    return result


def describe_hours(hours: Mapping[int, DayHours]) -> str:
    """Hours in a line, consecutive days with the same hours together.

    >>> split = [(time(8), time(12)), (time(14), time(18))]
    >>> describe_hours({0: split, 1: split, 2: split, 4: [(time(9), time(13))]})
    'Mon\u2013Wed 08:00-12:00, 14:00-18:00; Fri 09:00-13:00'
    """
    runs: list[tuple[int, int, list]] = []  # (first weekday, last weekday, periods)
    for weekday in sorted(hours):
        periods = list(hours[weekday])
        if runs and runs[-1][1] == weekday - 1 and runs[-1][2] == periods:
            runs[-1] = (runs[-1][0], weekday, periods)
        else:
            runs.append((weekday, weekday, periods))
    parts = []
    for first, last, periods in runs:
        days = Weekday(first).label[:3]
        if last != first:
            days += "\u2013" + Weekday(last).label[:3]
        parts.append(f"{days} " + ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in periods))
    return "; ".join(parts)


def _span(first: date, last: date) -> list[date]:
    if last < first:
        raise InvalidInput({"last": ["The last day cannot be before the first."]})
    if (last - first).days >= LONGEST_SPAN_DAYS:
        raise InvalidInput({"last": [f"Enter at most {LONGEST_SPAN_DAYS} days at once."]})
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _booked_between(actor, first: date, last: date, clinician: User | None = None) -> int:
    """Appointments still booked on the days from `first` to `last` at the practice."""
    zone = practice_zone(actor.practice)
    since: datetime = local(first, time(0), zone)
    until: datetime = local(last + timedelta(days=1), time(0), zone)
    booked = scoped(Appointment, actor).filter(
        overlapping(since, until), status=AppointmentStatus.SCHEDULED
    )
    if clinician is not None:
        booked = booked.filter(clinician=clinician)
    return booked.count()


def _summary_of_days(first: date, last: date, reason: str) -> str:
    days = (
        practice_date(first)
        if first == last
        else f"{practice_date(first)} to {practice_date(last)}"
    )
    return f"{days}: {reason}" if reason else days


@transaction.atomic
def set_opening_hours(*, actor, hours: Mapping[int, DayHours]) -> dict[int, list]:
    """Replaces the practice's opening hours: each weekday's periods (several make a
    split day); a weekday without periods is closed."""
    require_practice_manager(actor, "change the calendar settings")
    checked = _checked_hours(hours)
    if not checked:
        # No rows at all would fall back to the default week: refuse rather than mislead.
        raise InvalidInput(
            {"hours": ["Enter the hours of at least one day: a practice is open some day."]}
        )
    scoped(OpeningHours, actor).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(practice_id=actor.practice_id, weekday=day, opens=opens, closes=closes)
        for day, periods in checked.items()
        for opens, closes in periods
    )
    audit.record(actor, Action.OPENING_HOURS_SET, actor.practice, summary=describe_hours(checked))
    return checked


@transaction.atomic
def add_closures(*, actor, first: date, last: date | None = None, reason: str = "") -> Added:
    """Closes the practice from `first` to `last` (one day without it). Days already
    closed keep their entry."""
    require_practice_manager(actor, "change the calendar settings")
    last = last or first
    days = _span(first, last)
    reason = reason.strip()
    taken = set(scoped(Closure, actor).filter(day__in=days).values_list("day", flat=True))
    new = [
        Closure(practice_id=actor.practice_id, day=day, reason=reason)
        for day in days
        if day not in taken
    ]
    # A manager adding the same day twice at once: the unique (practice, day) keeps one,
    # and the other request finds it closed instead of failing.
    Closure.objects.bulk_create(new, ignore_conflicts=True)
    audit.record(
        actor, Action.CLOSURE_ADD, actor.practice, summary=_summary_of_days(first, last, reason)
    )
    return Added(len(new), _booked_between(actor, first, last))


@transaction.atomic
def remove_closure(*, actor, closure: Closure) -> None:
    require_practice_manager(actor, "change the calendar settings")
    ensure_in_scope(actor, closure)
    summary = _summary_of_days(closure.day, closure.day, closure.reason)
    closure.delete()
    audit.record(actor, Action.CLOSURE_REMOVE, actor.practice, summary=summary)


def _clinician(actor, clinician: User) -> None:
    ensure_in_scope(actor, clinician)
    if clinician.role != Role.CLINICIAN:
        raise InvalidInput({"clinician": ["Working hours and absences are a clinician's."]})


@transaction.atomic
def set_working_hours(*, actor, clinician: User, hours: Mapping[int, DayHours]) -> dict[int, list]:
    """Replaces the clinician's working hours. Without any, the clinician works the
    practice's opening hours; with some, only these (within the opening hours)."""
    require_practice_manager(actor, "change the calendar settings")
    _clinician(actor, clinician)
    checked = _checked_hours(hours)
    WorkingHours.objects.filter(clinician=clinician).delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(clinician=clinician, weekday=day, starts=starts, ends=ends)
        for day, periods in checked.items()
        for starts, ends in periods
    )
    described = describe_hours(checked) or "the practice's opening hours"
    audit.record(
        actor,
        Action.WORKING_HOURS_SET,
        clinician,
        summary=f"{clinician.display_name}: {described}",
    )
    return checked


@transaction.atomic
def add_absence(
    *, actor, clinician: User, starts_on: date, ends_on: date | None = None, reason: str = ""
) -> Added:
    """The clinician is away from `starts_on` to `ends_on` (inclusive)."""
    require_practice_manager(actor, "change the calendar settings")
    _clinician(actor, clinician)
    ends_on = ends_on or starts_on
    _span(starts_on, ends_on)
    reason = reason.strip()
    absence = Absence.objects.create(
        clinician=clinician, starts_on=starts_on, ends_on=ends_on, reason=reason
    )
    audit.record(
        actor,
        Action.ABSENCE_ADD,
        absence,
        summary=f"{clinician.display_name}: {_summary_of_days(starts_on, ends_on, reason)}",
    )
    return Added(1, _booked_between(actor, starts_on, ends_on, clinician))


@transaction.atomic
def remove_absence(*, actor, absence: Absence) -> None:
    require_practice_manager(actor, "change the calendar settings")
    ensure_in_scope(actor, absence)
    summary = f"{absence.clinician.display_name}: " + _summary_of_days(
        absence.starts_on, absence.ends_on, absence.reason
    )
    audit.record(actor, Action.ABSENCE_REMOVE, absence, summary=summary)
    absence.delete()


@transaction.atomic
def set_kind_lengths(*, actor, minutes: Mapping[str, int | None]) -> None:
    """The default length of each appointment kind; None goes back to the default."""
    require_practice_manager(actor, "change the calendar settings")
    low, high = KIND_MINUTES_RANGE
    errors = {
        kind: [f"Enter {low} to {high} minutes."]
        for kind, value in minutes.items()
        if value is not None and not low <= value <= high
    }
    errors.update(
        {
            kind: ["Not an appointment kind."]
            for kind in minutes
            if kind not in AppointmentKind.values
        }
    )
    if errors:
        raise InvalidInput(errors)
    lengths = scoped(KindLength, actor)
    for kind, value in minutes.items():
        if value is None:
            lengths.filter(kind=kind).delete()
        else:
            KindLength.objects.update_or_create(
                practice_id=actor.practice_id, kind=kind, defaults={"minutes": value}
            )
    summary = "; ".join(
        f"{AppointmentKind(kind).label}: " + (f"{value} min" if value else "default")
        for kind, value in minutes.items()
    )
    audit.record(actor, Action.KIND_LENGTHS_SET, actor.practice, summary=summary)
