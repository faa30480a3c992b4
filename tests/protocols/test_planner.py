"""The course planner (DOMAIN.md "The course: schedule"), pure: intervals, month ends,
leap years, closed days, busy slots, summer time, a zone far from UTC."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.planner import (
    Availability,
    PlanningError,
    Schedule,
    add_months,
    plan_course_dates,
)

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS = {d: [(time(8), time(18))] for d in range(5)}  # Monday to Friday
ALL_WEEK = {d: [(time(8), time(18))] for d in range(7)}


def starts(plan, fmt="%a %d %b %Y %H:%M"):
    return [s.start.strftime(fmt) for s in plan.sessions]


def test_weekly_then_monthly_at_the_same_local_time_across_summer_time():
    # 16 March: winter time; the course runs into summer time (29 March) and back (25 Oct).
    plan = plan_course_dates(
        datetime(2026, 3, 16, 10, tzinfo=BERLIN), 7, Schedule(), Availability(BERLIN, WEEKDAYS)
    )
    assert plan.is_complete
    assert starts(plan, "%d %b %H:%M") == [
        "16 Mar 10:00",
        "23 Mar 10:00",
        "30 Mar 10:00",
        "06 Apr 10:00",
        "06 May 10:00",
        "05 Jun 10:00",
        "06 Jul 10:00",
        "06 Aug 10:00",
    ]
    offsets = {s.start.utcoffset() for s in plan.sessions}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}  # 09:00 UTC, then 08:00 UTC
    # 6 June is a Saturday: session 6 moved to the nearest open day, Friday the 5th.
    assert [s.sequence for s in plan.sessions if s.moved] == [6]


def test_bi_weekly():
    plan = plan_course_dates(
        datetime(2026, 9, 1, 9, tzinfo=BERLIN), 14, Schedule(), Availability(BERLIN, ALL_WEEK)
    )
    assert starts(plan, "%d %b")[:5] == ["01 Sep", "15 Sep", "29 Sep", "13 Oct", "13 Nov"]


def test_an_interval_the_protocol_does_not_offer_is_refused():
    with pytest.raises(PlanningError, match="7 or 14"):
        plan_course_dates(
            datetime(2026, 9, 1, 9, tzinfo=BERLIN), 10, Schedule(), Availability(BERLIN, ALL_WEEK)
        )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 2, date(2026, 3, 31)),  # same day of month, not drifted to 28
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
    ],
)
def test_add_months_clamps_to_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_the_monthly_part_keeps_its_day_of_month_after_a_short_month():
    # Session 4 on 31 Dec: then 31 Jan, 28 Feb, 31 Mar, 30 Apr (never drifting to the 28th).
    start = datetime(2026, 12, 10, 11, tzinfo=BERLIN)
    plan = plan_course_dates(start, 7, Schedule(), Availability(BERLIN, ALL_WEEK))
    assert starts(plan, "%d %b %Y")[3:] == [
        "31 Dec 2026",
        "31 Jan 2027",
        "28 Feb 2027",
        "31 Mar 2027",
        "30 Apr 2027",
    ]


def test_a_holiday_moves_a_weekly_session_by_at_most_one_day():
    holiday = date(2026, 12, 24)  # the third session's day
    plan = plan_course_dates(
        datetime(2026, 12, 10, 10, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS, closed=frozenset({holiday})),
    )
    third = plan.sessions[2]
    assert third.ideal_start.date() == holiday and third.start.date() == date(2026, 12, 25)
    assert third.start.time() == time(10)  # the same time of day, the nearest open day


def test_a_busy_slot_moves_to_the_nearest_free_time_the_same_day():
    busy = [
        (datetime(2026, 9, 8, 9, 30, tzinfo=BERLIN), datetime(2026, 9, 8, 10, 30, tzinfo=BERLIN))
    ]
    plan = plan_course_dates(
        datetime(2026, 9, 1, 10, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS, busy=busy),
    )
    second = plan.sessions[1]
    assert second.moved and second.start == datetime(2026, 9, 8, 10, 30, tzinfo=BERLIN)


def test_a_session_that_cannot_be_placed_is_named_with_the_reason():
    closed = frozenset(date(2026, 9, 14) + timedelta(days=n) for n in range(-3, 4))
    plan = plan_course_dates(
        datetime(2026, 9, 7, 10, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS, closed=closed),
    )
    assert not plan.is_complete
    [missing] = plan.unplaced
    assert missing.sequence == 2
    assert "14 Sep 2026 is closed" in missing.reason and "within 1 day" in missing.reason
    assert [s.sequence for s in plan.sessions] == [1, 3, 4, 5, 6, 7, 8]


def test_a_zone_far_from_utc_keeps_the_local_date():
    kiritimati = ZoneInfo("Pacific/Kiritimati")  # UTC+14
    start = datetime(2026, 3, 2, 9, tzinfo=kiritimati)  # still 1 March in UTC
    plan = plan_course_dates(start, 7, Schedule(), Availability(kiritimati, ALL_WEEK))
    assert starts(plan, "%d %b %H:%M")[:2] == ["02 Mar 09:00", "09 Mar 09:00"]
    assert plan.sessions[0].start.astimezone(UTC).day == 1


opening_hours = st.fixed_dictionaries(
    {d: st.sampled_from([[], [(time(8), time(12))], [(time(8), time(18))]]) for d in range(7)}
)


@settings(max_examples=60, deadline=None)
@given(
    start_day=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    hour=st.integers(min_value=8, max_value=16),
    interval=st.sampled_from([7, 14]),
    opening=opening_hours,
    closed_offsets=st.sets(st.integers(min_value=0, max_value=250), max_size=30),
    busy_offsets=st.sets(st.integers(min_value=0, max_value=250), max_size=30),
)
def test_no_two_sessions_overlap_and_every_move_stays_within_its_tolerance(
    start_day, hour, interval, opening, closed_offsets, busy_offsets
):
    schedule = Schedule()
    closed = frozenset(start_day + timedelta(days=n) for n in closed_offsets)
    busy = [
        (
            datetime.combine(start_day + timedelta(days=n), time(hour), BERLIN),
            datetime.combine(start_day + timedelta(days=n), time(hour, 30), BERLIN),
        )
        for n in busy_offsets
    ]
    availability = Availability(BERLIN, opening, closed, busy)
    plan = plan_course_dates(
        datetime.combine(start_day, time(hour), BERLIN), interval, schedule, availability
    )
    sessions = sorted(plan.sessions, key=lambda s: s.start)
    assert len(plan.sessions) + len(plan.unplaced) == schedule.session_count
    for a, b in itertools.pairwise(sessions):
        assert a.end <= b.start, "two sessions of one course overlap"
    for s in plan.sessions:
        tolerance = (
            schedule.initial_tolerance_days
            if s.sequence <= schedule.initial_sessions
            else schedule.later_tolerance_days
        )
        # "Within N days": the booked day is at most N calendar days from the ideal day.
        moved_days = s.start.astimezone(BERLIN).date() - s.ideal_start.astimezone(BERLIN).date()
        assert abs(moved_days) <= timedelta(days=tolerance)
        local_start = s.start.astimezone(BERLIN)
        assert local_start.date() not in closed
        assert any(
            o <= local_start.time() and (s.end.astimezone(BERLIN)).time() <= c
            for o, c in opening[local_start.weekday()]
        )
        assert not any(s.start < e and b_ < s.end for b_, e in busy)
    # Consecutive weekly sessions keep the interval from the one actually booked before.
    by_seq = {s.sequence: s for s in plan.sessions}
    for k in range(2, schedule.initial_sessions + 1):
        if k in by_seq and k - 1 in by_seq:
            gap = by_seq[k].ideal_start.date() - by_seq[k - 1].start.astimezone(BERLIN).date()
            assert gap == timedelta(days=interval)
