"""The calendar's pure parts: the time grid, course progress, the pre-operative check and
the notes of a proposed course (why a session moved). No database."""

import doctest
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocols.planner import Availability, Schedule, plan_course_dates
from scheduling import calendar_grid, course_preview, pre_operative, progress
from scheduling.calendar_grid import CalendarFacts, Window, build_column, shown_days, window_for
from scheduling.course_preview import proposed_sessions
from scheduling.pre_operative import pre_operative_warning
from scheduling.progress import course_progress

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = {d: [(time(8), time(12)), (time(14), time(18))] for d in range(5)}


@pytest.mark.parametrize(
    "module", [calendar_grid, course_preview, pre_operative, progress], ids=str
)
def test_doctests(module):
    assert doctest.testmod(module).failed == 0


def test_the_window_holds_the_opening_hours_and_every_appointment_in_whole_hours():
    window = window_for([[(time(8, 30), time(12))], [(time(9), time(17, 15))]], [])
    assert (window.first, window.last, window.rows) == (8 * 60, 18 * 60, 40)
    late = window_for([[(time(8), time(18))]], [(19 * 60 + 30, 20 * 60 + 15)])
    assert late.last == 21 * 60
    assert window_for([], []) == Window(8 * 60, 18 * 60)  # nothing open, nothing booked


def test_hour_marks_label_every_hour_on_its_row():
    assert Window(8 * 60, 11 * 60).hour_marks() == [("08:00", 1), ("09:00", 5), ("10:00", 9)]


@given(
    start=st.integers(min_value=0, max_value=24 * 60 - 1),
    length=st.integers(min_value=1, max_value=240),
)
def test_a_placed_appointment_stays_inside_the_window_and_covers_its_time(start, length):
    window = Window(7 * 60, 20 * 60)
    end = min(start + length, 24 * 60)
    place = window.place(start, end)
    if end <= window.first or start >= window.last:
        assert place is None
        return
    assert place is not None
    row, span = place
    assert row >= 1 and row + span - 1 <= window.rows
    first_minute = window.first + (row - 1) * 15
    assert first_minute <= max(start, window.first)
    assert first_minute + span * 15 >= min(end, window.last)


def test_a_column_places_appointments_on_local_rows_across_daylight_saving():
    # 25 Oct 2026: Berlin goes back to winter time. 10:00 local is 09:00 UTC after it.
    day = date(2026, 10, 26)
    start = datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    column = build_column(
        key=day,
        day=day,
        today=day,
        window=Window(8 * 60, 18 * 60),
        hours=[(time(8), time(12)), (time(14), time(18))],
        closed=None,
        items=[(start, start + timedelta(minutes=45), "session")],
        zone=BERLIN,
    )
    assert column.is_today
    assert column.open_blocks == [(1, 16), (25, 16)]  # the split day: two open periods
    assert [(p.item, p.row, p.span) for p in column.items] == [("session", 9, 3)]


def test_closed_days_say_why_for_the_practice_and_for_a_clinician():
    facts = CalendarFacts(
        BERLIN,
        WEEKDAYS,
        {date(2026, 12, 24): "Christmas Eve"},
        {"lena": {0: [(time(9), time(13))]}},
        {"lena": {date(2026, 12, 22): "Training"}},
    )
    assert facts.closed_because(date(2026, 12, 24)) == "Closed: Christmas Eve"
    assert facts.closed_because(date(2026, 12, 26)) == "Closed"  # a Saturday
    assert facts.closed_because(date(2026, 12, 22), "lena") == "Absent: Training"
    assert facts.closed_because(date(2026, 12, 23), "lena") == "Not working"  # no hours on Wed
    assert facts.hours(date(2026, 12, 21), "lena") == [(time(9), time(12))]  # within opening
    assert facts.hours(date(2026, 12, 21), "other") == WEEKDAYS[0]


def test_the_week_shows_open_days_and_any_day_with_an_appointment():
    facts = CalendarFacts(BERLIN, WEEKDAYS, {date(2026, 9, 9): ""}, {}, {})
    days = calendar_grid.week_of(date(2026, 9, 10))
    assert days[0] == date(2026, 9, 7) and len(days) == 7
    assert shown_days(days, facts, set()) == days[:5]  # the closure is shown, shaded
    assert shown_days(days, facts, {date(2026, 9, 13)}) == [*days[:5], date(2026, 9, 13)]


def test_progress_counts_done_booked_and_not_yet_booked():
    p = course_progress({"completed": 3, "scheduled": 4, "cancelled": 1}, 8)
    assert (p.label, p.not_booked) == ("3 of 8", 1)
    assert p.cells == ["done"] * 3 + ["booked"] * 4 + ["open"]


def test_a_pre_operative_course_warns_with_fewer_than_two_sessions_before_the_operation():
    first = datetime(2026, 9, 7, 10, tzinfo=BERLIN)
    starts = [first + timedelta(days=7 * n) for n in range(4)]
    assert pre_operative_warning(starts, date(2026, 9, 15), BERLIN) is None
    assert "Only 1 session" in pre_operative_warning(starts, date(2026, 9, 10), BERLIN)
    assert "No session" in pre_operative_warning(starts, date(2026, 9, 7), BERLIN)
    assert pre_operative_warning(starts, None, BERLIN) is None


def test_a_moved_session_says_which_day_was_closed_and_why():
    facts = CalendarFacts(BERLIN, WEEKDAYS, {date(2026, 9, 14): "Staff training"}, {}, {})
    availability = Availability(BERLIN, WEEKDAYS, frozenset({date(2026, 9, 14)}))
    plan = plan_course_dates(datetime(2026, 9, 7, 10, tzinfo=BERLIN), 7, Schedule(), availability)
    rows = proposed_sessions(plan, timedelta(minutes=45), facts, None)
    assert [r.sequence for r in rows] == list(range(1, 9))
    moved = [r for r in rows if r.moved]
    assert moved[0].sequence == 2
    assert moved[0].note == "the practice is closed (Staff training)."
    assert not rows[0].moved and rows[0].note == ""
    assert course_preview.fingerprint(rows).count(",") == 7


def test_an_unplaced_session_keeps_the_planners_reason():
    closed = frozenset(date(2026, 9, 13) + timedelta(days=n) for n in range(3))
    availability = Availability(BERLIN, WEEKDAYS, closed)
    plan = plan_course_dates(datetime(2026, 9, 7, 10, tzinfo=BERLIN), 7, Schedule(), availability)
    facts = CalendarFacts(BERLIN, WEEKDAYS, dict.fromkeys(closed, ""), {}, {})
    rows = proposed_sessions(plan, timedelta(minutes=45), facts, None)
    unplaced = [r for r in rows if not r.placed]
    assert [r.sequence for r in unplaced] == [2]
    assert "no slot is free" in unplaced[0].note
    assert course_preview.fingerprint(rows).split(",")[1] == "-"
