"""What the booking page shows before a course is booked: every proposed session, where
the schedule put it, where it can be booked, and why it moved or cannot be placed.
Pure: the planner's plan and the calendar's facts in, rows out."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from mesoplan.date_display import practice_weekday
from protocols.planner import CoursePlan

from .calendar_grid import CalendarFacts, minutes


@dataclass(frozen=True)
class ProposedSession:
    sequence: int
    ideal_start: datetime  # where the schedule puts it
    start: datetime | None  # where it would be booked; None when it cannot be placed
    end: datetime | None
    note: str  # why it moved, or why it cannot be placed; empty when as planned

    @property
    def moved(self) -> bool:
        return self.start is not None and self.start != self.ideal_start

    @property
    def placed(self) -> bool:
        return self.start is not None


def why_not_at(ideal: datetime, length: timedelta, facts: CalendarFacts, clinician_id: Any) -> str:
    """Why a session could not stay where the schedule put it (the page shows the planned
    time next to it).

    >>> from datetime import date, time
    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> facts = CalendarFacts(berlin, {d: [(time(8), time(18))] for d in range(5)},
    ...                       {date(2026, 12, 24): "Christmas"}, {}, {"lena": {}})
    >>> hour = timedelta(hours=1)
    >>> why_not_at(datetime(2026, 12, 24, 10, tzinfo=berlin), hour, facts, None)
    'the practice is closed (Christmas).'
    >>> why_not_at(datetime(2026, 11, 28, 10, tzinfo=berlin), hour, facts, None)
    'the practice is closed on Saturdays.'
    >>> why_not_at(datetime(2026, 11, 27, 17, 30, tzinfo=berlin), hour, facts, None)
    '17:30 is outside the hours (08:00-18:00).'
    >>> why_not_at(datetime(2026, 11, 27, 10, tzinfo=berlin), hour, facts, None)
    'another appointment at 10:00.'
    """
    local_start = ideal.astimezone(facts.zone)
    day = local_start.date()
    if day in facts.closures:
        reason = facts.closures[day]
        return f"the practice is closed ({reason})." if reason else "the practice is closed."
    if not facts.opening.get(day.weekday()):
        return f"the practice is closed on {practice_weekday(day)}s."
    absences = facts.absences.get(clinician_id, {})
    if day in absences:
        return (
            f"the clinician is away ({absences[day]})."
            if absences[day]
            else ("the clinician is away.")
        )
    hours = facts.hours(day, clinician_id)
    if not hours:
        return f"the clinician does not work on {practice_weekday(day)}s."
    start = minutes(local_start.time())
    end = start + int(length.total_seconds() // 60)
    if not any(minutes(opens) <= start and end <= minutes(closes) for opens, closes in hours):
        shown = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in hours)
        return f"{local_start:%H:%M} is outside the hours ({shown})."
    return f"another appointment at {local_start:%H:%M}."


def proposed_sessions(
    plan: CoursePlan, length: timedelta, facts: CalendarFacts, clinician_id: Any
) -> list[ProposedSession]:
    """The plan's sessions and unplaced ones, in order, each with its note."""
    rows = [
        ProposedSession(
            s.sequence,
            s.ideal_start,
            s.start,
            s.end,
            why_not_at(s.ideal_start, length, facts, clinician_id) if s.moved else "",
        )
        for s in plan.sessions
    ]
    rows += [
        ProposedSession(u.sequence, u.ideal_start, None, None, u.reason) for u in plan.unplaced
    ]
    return sorted(rows, key=lambda row: row.sequence)


def fingerprint(rows: list[ProposedSession]) -> str:
    """The proposed starts in one string: the page confirms exactly what it showed."""
    return ",".join(row.start.isoformat() if row.start else "-" for row in rows)
