"""The planner's bounds, each at its edge (issue 15.9, the survivors of mutation testing):
how far a weekly and a monthly session may move, session 1 moving later when its start is
busy, a session exactly filling the opening hours, back-to-back sessions, and the
protocol's schedule as DOMAIN.md gives it. Pure: no database."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from protocols.planner import (
    Availability,
    Schedule,
    free_windows,
    is_free,
    nearest_free,
    plan_course_dates,
    planning_window,
)

BERLIN = ZoneInfo("Europe/Berlin")
ALL_WEEK = {d: [(time(8), time(18))] for d in range(7)}
FORTY_FIVE = timedelta(minutes=45)
# 2 Mar 2026 10:00, weekly: 2, 9, 16, 23 Mar; session 5 is due on Thursday 23 April.
START = datetime(2026, 3, 2, 10, tzinfo=BERLIN)
APRIL_23 = date(2026, 4, 23)


def _days(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(days=n) for n in range((last - first).days + 1))


def _plan(closed=frozenset(), busy=(), start=START, **kwargs):
    return plan_course_dates(
        start, 7, Schedule(), Availability(BERLIN, ALL_WEEK, closed, busy), **kwargs
    )


def _session(plan, sequence):
    return next(s for s in plan.sessions if s.sequence == sequence)


def test_the_default_schedule_is_the_protocols_in_domain_md():
    schedule = Schedule()
    assert (schedule.session_count, schedule.initial_sessions) == (8, 4)
    assert schedule.interval_choices == (7, 14)
    assert schedule.months_between_later_sessions == 1
    assert (schedule.initial_tolerance_days, schedule.later_tolerance_days) == (1, 3)
    assert schedule.session_minutes == 45


# --- How far a session may move --------------------------------------------------------


def test_a_monthly_session_moves_up_to_three_days_later():
    # 20 to 25 April closed: the nearest open day is the 26th, three days after the 23rd.
    plan = _plan(closed=_days(date(2026, 4, 20), date(2026, 4, 25)))
    fifth = _session(plan, 5)
    assert fifth.ideal_start == datetime(2026, 4, 23, 10, tzinfo=BERLIN)
    assert fifth.start == datetime(2026, 4, 26, 10, tzinfo=BERLIN)
    assert plan.is_complete


def test_a_monthly_session_moves_up_to_three_days_earlier():
    plan = _plan(closed=_days(date(2026, 4, 21), date(2026, 4, 26)))
    assert _session(plan, 5).start == datetime(2026, 4, 20, 10, tzinfo=BERLIN)


def test_a_monthly_session_moves_two_days_when_that_is_nearest():
    plan = _plan(closed=_days(date(2026, 4, 21), date(2026, 4, 24)))
    assert _session(plan, 5).start == datetime(2026, 4, 25, 10, tzinfo=BERLIN)  # a tie: later


def test_a_monthly_session_is_not_moved_four_days():
    plan = _plan(closed=_days(date(2026, 4, 20), date(2026, 4, 26)))
    [missing] = [u for u in plan.unplaced if u.sequence == 5]
    assert missing.ideal_start == datetime(2026, 4, 23, 10, tzinfo=BERLIN)
    assert missing.reason == "23 Apr 2026 is closed and no slot is free within 3 days."


def test_the_last_monthly_session_has_three_days_too():
    # Session 8 is due on 23 July; the 20th to the 25th closed: the 26th.
    plan = _plan(closed=_days(date(2026, 7, 20), date(2026, 7, 25)))
    assert _session(plan, 8).start == datetime(2026, 7, 26, 10, tzinfo=BERLIN)


def test_a_weekly_session_moves_one_day_not_two():
    # Session 4 (the last weekly one) is due on Monday 23 March.
    one = _plan(closed=frozenset({date(2026, 3, 22), date(2026, 3, 23)}))
    assert _session(one, 4).start == datetime(2026, 3, 24, 10, tzinfo=BERLIN)
    two = _plan(closed=_days(date(2026, 3, 22), date(2026, 3, 24)))
    [missing] = [u for u in two.unplaced if u.sequence == 4]
    assert missing.reason == "23 Mar 2026 is closed and no slot is free within 1 day."
    # The monthly sessions count from session 4's ideal day: 23 April still.
    assert _session(two, 5).start == datetime(2026, 4, 23, 10, tzinfo=BERLIN)


def test_nearest_free_looks_exactly_as_many_days_as_its_tolerance():
    hours = Availability(BERLIN, ALL_WEEK, _days(date(2026, 4, 20), date(2026, 4, 25)))
    ideal = datetime(2026, 4, 23, 10, tzinfo=BERLIN)
    assert nearest_free(ideal, FORTY_FIVE, 2, hours) is None
    assert nearest_free(ideal, FORTY_FIVE, 3, hours) == datetime(2026, 4, 26, 10, tzinfo=BERLIN)


# --- Session 1 ---------------------------------------------------------------------------


def test_session_one_moves_to_the_next_day_when_its_whole_day_is_busy():
    # Monday 2 March taken all day: session 1 goes to Tuesday at its time, within its day.
    busy = [(datetime(2026, 3, 2, 8, tzinfo=BERLIN), datetime(2026, 3, 2, 18, tzinfo=BERLIN))]
    plan = _plan(busy=busy)
    first = _session(plan, 1)
    assert first.moved and first.start == datetime(2026, 3, 3, 10, tzinfo=BERLIN)
    assert first.ideal_start == START
    # The course counts on from where session 1 is booked.
    assert _session(plan, 2).start == datetime(2026, 3, 10, 10, tzinfo=BERLIN)


def test_session_one_is_not_moved_two_days():
    busy = [
        (datetime(2026, 3, 2, 8, tzinfo=BERLIN), datetime(2026, 3, 2, 18, tzinfo=BERLIN)),
        (datetime(2026, 3, 3, 8, tzinfo=BERLIN), datetime(2026, 3, 3, 18, tzinfo=BERLIN)),
    ]
    plan = _plan(busy=busy)
    assert plan.unplaced[0].sequence == 1
    assert plan.unplaced[0].reason == (
        "The clinician or the patient is busy at 02 Mar 2026, 10:00 and no later slot is free "
        "within 1 day."
    )


def test_session_one_free_at_its_start_stays_there():
    plan = _plan()
    assert _session(plan, 1).start == START and not _session(plan, 1).moved


# --- The edges of a free slot ------------------------------------------------------------


def test_a_session_exactly_filling_the_opening_hours_is_free():
    hours = Availability(BERLIN, {0: [(time(10), time(10, 45))]})
    monday = datetime(2026, 3, 2, 10, tzinfo=BERLIN)
    assert is_free(monday, FORTY_FIVE, hours)
    assert not is_free(monday + timedelta(minutes=1), FORTY_FIVE, hours)  # ends after closing
    assert not is_free(monday - timedelta(minutes=1), FORTY_FIVE, hours)  # starts before opening
    assert free_windows(monday.date(), hours) == [
        (monday.astimezone(UTC), (monday + FORTY_FIVE).astimezone(UTC))
    ]


def test_a_course_is_placed_at_exactly_opening_and_ending_exactly_at_closing():
    hours = {d: [(time(10), time(10, 45))] for d in range(7)}
    plan = plan_course_dates(START, 7, Schedule(), Availability(BERLIN, hours), exact_first=True)
    assert plan.is_complete
    assert {s.start.astimezone(BERLIN).time() for s in plan.sessions} == {time(10)}
    assert {s.end.astimezone(BERLIN).time() for s in plan.sessions} == {time(10, 45)}


def test_a_window_as_long_as_the_session_is_used():
    # Busy but for 10:00-10:45: the session fits the gap exactly.
    day = date(2026, 3, 2)
    busy = [
        (datetime.combine(day, time(8), BERLIN), datetime.combine(day, time(10), BERLIN)),
        (datetime.combine(day, time(10, 45), BERLIN), datetime.combine(day, time(18), BERLIN)),
    ]
    hours = Availability(BERLIN, ALL_WEEK, busy=busy)
    at_ten = datetime.combine(day, time(10), BERLIN)
    assert is_free(at_ten, FORTY_FIVE, hours)
    assert nearest_free(at_ten - timedelta(hours=1), FORTY_FIVE, 0, hours) == at_ten
    assert nearest_free(at_ten, timedelta(minutes=46), 0, hours) is None


def test_back_to_back_with_an_appointment_before_and_after_is_free():
    # One appointment ends at 10:00 and the next starts at 10:45: end == next start.
    day = date(2026, 3, 2)
    busy = [
        (datetime.combine(day, time(9, 15), BERLIN), datetime.combine(day, time(10), BERLIN)),
        (datetime.combine(day, time(10, 45), BERLIN), datetime.combine(day, time(11, 30), BERLIN)),
    ]
    plan = _plan(busy=busy, exact_first=True)
    assert _session(plan, 1).start == START
    windows = free_windows(day, Availability(BERLIN, ALL_WEEK, busy=busy))
    assert (START.astimezone(UTC), (START + FORTY_FIVE).astimezone(UTC)) in windows


def test_one_minute_of_overlap_is_busy():
    day = date(2026, 3, 2)
    busy = [
        (datetime.combine(day, time(9, 15), BERLIN), datetime.combine(day, time(10, 1), BERLIN))
    ]
    hours = Availability(BERLIN, ALL_WEEK, busy=busy)
    assert not is_free(START, FORTY_FIVE, hours)
    plan = _plan(busy=busy, exact_first=True)
    assert plan.unplaced[0].sequence == 1
    assert plan.unplaced[0].reason == "The clinician or the patient is busy at 02 Mar 2026, 10:00."


def test_a_course_session_back_to_back_with_the_one_before_is_placed():
    # Session 2 asked for 10:45 on the day session 1 ends at 10:45 (a re-plan from it).
    plan = plan_course_dates(
        START + FORTY_FIVE,
        7,
        Schedule(),
        Availability(BERLIN, ALL_WEEK, busy=[(START, START + FORTY_FIVE)]),
        first_sequence=2,
        exact_first=True,
        not_before=START + FORTY_FIVE,
    )
    assert _session(plan, 2).start == START + FORTY_FIVE


def test_free_windows_ignore_what_lies_outside_the_opening_hours():
    day = date(2026, 3, 2)
    busy = [
        (datetime.combine(day, time(7), BERLIN), datetime.combine(day, time(8), BERLIN)),
        (datetime.combine(day, time(18), BERLIN), datetime.combine(day, time(19), BERLIN)),
    ]
    [(opens, closes)] = free_windows(day, Availability(BERLIN, ALL_WEEK, busy=busy))
    assert opens == datetime.combine(day, time(8), BERLIN).astimezone(UTC)
    assert closes == datetime.combine(day, time(18), BERLIN).astimezone(UTC)


def test_the_planning_window_reaches_four_days_back_and_past_the_last_session():
    since, until = planning_window(START, Schedule())
    assert since == START - timedelta(days=4)
    plan = _plan()
    assert until >= plan.sessions[-1].end


# --- The reason given at the edges of the day --------------------------------------------


def _exact(start, busy, hours=None, not_before=None):
    plan = plan_course_dates(
        start,
        7,
        Schedule(),
        Availability(BERLIN, hours or ALL_WEEK, busy=busy),
        exact_first=True,
        not_before=not_before,
    )
    return plan.unplaced[0].reason


def test_busy_at_opening_time_is_busy_not_closed():
    at_opening = datetime(2026, 3, 2, 8, tzinfo=BERLIN)
    busy = [(at_opening, at_opening + timedelta(minutes=30))]
    assert _exact(at_opening, busy) == "The clinician or the patient is busy at 02 Mar 2026, 08:00."


def test_busy_at_the_last_slot_before_closing_is_busy_not_closed():
    last = datetime(2026, 3, 2, 17, 15, tzinfo=BERLIN)  # ends 18:00, as the practice closes
    busy = [(last, last + timedelta(minutes=10))]
    assert _exact(last, busy) == "The clinician or the patient is busy at 02 Mar 2026, 17:15."


def test_busy_now_is_busy_not_passed():
    busy = [(START, START + timedelta(minutes=30))]
    assert _exact(START, busy, not_before=START) == (
        "The clinician or the patient is busy at 02 Mar 2026, 10:00."
    )
    assert _exact(START, busy, not_before=START + timedelta(minutes=1)) == (
        "02 Mar 2026, 10:00 has passed."
    )
