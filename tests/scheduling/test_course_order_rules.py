"""The course's order as pure rules, at their edges (issue 15.9, the survivors of mutation
testing): the message that names the sessions still to settle, and when the course page
offers to re-plan after a session happened off its date (scheduling.course_order)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from protocols.planner import Schedule
from scheduling.course_order import Session, move_refusal, out_of_order_message, replan_start

BERLIN = ZoneInfo("Europe/Berlin")


def test_the_message_names_one_session_still_to_settle():
    assert out_of_order_message(3, [2]) == (
        "Session 3 comes after session 2 of this course, which is not recorded, cancelled "
        "or marked no-show yet: record or settle them first."
    )


def test_the_message_names_several_sessions_still_to_settle():
    assert out_of_order_message(5, [2, 4]) == (
        "Session 5 comes after sessions 2 and 4 of this course, which are not recorded, "
        "cancelled or marked no-show yet: record or settle them first."
    )


def _at(day, hour=10, minute=0, month=3, zone=UTC):
    return datetime(2026, month, day, hour, minute, tzinfo=zone)


def _done(sequence, start):
    return Session(sequence, "completed", start, start)


def _planned(sequence, start):
    return Session(sequence, "scheduled", start, start)


@pytest.mark.parametrize(
    ("planned_day", "replanned"),
    [
        (8, False),  # one day early: within the weekly tolerance
        (9, False),
        (10, False),  # one day late: within it
        (7, True),
        (11, True),
        (16, True),
    ],
)
def test_a_weekly_session_is_re_planned_when_more_than_a_day_off(planned_day, replanned):
    # Session 2 happened on 2 March; session 3 belongs on the 9th (weekly).
    done = _done(2, _at(2))
    following = _planned(3, _at(planned_day, 14, 30))
    start = replan_start(done, following, Schedule(), 7, UTC)
    if replanned:
        assert start == _at(9, 14, 30)  # the ideal day, at the session's own time
    else:
        assert start is None


def test_the_interval_counts_once_per_session_between():
    # Session 1 on 2 March, 14 days: session 3 (the next still planned) belongs on the 30th.
    start = replan_start(_done(1, _at(2)), _planned(3, _at(13)), Schedule(), 14, UTC)
    assert start == _at(30)


@pytest.mark.parametrize(
    ("planned", "replanned"),
    [
        (_at(20, month=4), False),  # three days early: within the monthly tolerance
        (_at(26, month=4), False),  # three days late
        (_at(19, month=4), True),
        (_at(27, month=4), True),
    ],
)
def test_a_monthly_session_is_re_planned_when_more_than_three_days_off(planned, replanned):
    # Session 4 happened on 23 March; session 5 belongs on 23 April.
    start = replan_start(_done(4, _at(23)), _planned(5, planned), Schedule(), 7, UTC)
    assert start == (_at(23, month=4) if replanned else None)


def test_monthly_sessions_count_one_month_per_session_between():
    # Session 5 on 23 April; session 7 belongs on 23 June.
    start = replan_start(
        _done(5, _at(23, month=4)), _planned(7, _at(1, month=8)), Schedule(), 7, UTC
    )
    assert start == _at(23, month=6)


def test_the_days_are_the_practices_and_the_time_of_day_its_wall_clock():
    # Session 1 at 00:30 on Monday 2 March in Berlin (still 1 March in UTC); session 2 planned
    # for 10:00 on the 20th: it belongs on the 9th, at 10:00 Berlin time.
    done = _done(1, datetime(2026, 3, 2, 0, 30, tzinfo=BERLIN))
    following = _planned(2, datetime(2026, 3, 20, 10, tzinfo=BERLIN).astimezone(UTC))
    start = replan_start(done, following, Schedule(), 7, BERLIN)
    assert start == datetime(2026, 3, 9, 10, tzinfo=BERLIN)
    # Across the change to summer time (29 March) the wall clock holds: 10:00 still.
    done = _done(3, datetime(2026, 3, 23, 10, tzinfo=BERLIN))
    following = _planned(4, datetime(2026, 4, 10, 10, tzinfo=BERLIN).astimezone(UTC))
    assert replan_start(done, following, Schedule(), 7, BERLIN) == (
        datetime(2026, 3, 30, 10, tzinfo=BERLIN)
    )


# --- When a move is refused ---------------------------------------------------------------

NOW = datetime(2026, 3, 9, 8, tzinfo=UTC)
ONE = Session(1, "scheduled", NOW + timedelta(days=1), NOW + timedelta(days=1, minutes=45))
TWO = Session(2, "scheduled", NOW + timedelta(days=8), NOW + timedelta(days=8, minutes=45))


def test_now_is_not_the_past_and_a_moment_before_is():
    assert move_refusal(None, NOW, NOW, [], UTC) is None
    refusal = move_refusal(None, NOW - timedelta(seconds=1), NOW, [], UTC)
    assert (refusal.kind, refusal.message) == (
        "past",
        "A planned session is never moved into the past.",
    )


def test_a_session_may_start_as_the_one_before_ends():
    assert move_refusal(2, ONE.ends_at, NOW, [ONE, TWO], UTC) is None
    refusal = move_refusal(2, ONE.ends_at - timedelta(minutes=1), NOW, [ONE, TWO], UTC)
    assert refusal.kind == "order"
    assert refusal.message == (
        "Session 2 cannot come before session 1 of its course (Tue 10 Mar 2026, 08:00): the "
        "course's order holds."
    )


def test_a_session_moved_earlier_is_not_limited_by_its_own_old_time():
    assert move_refusal(2, TWO.starts_at - timedelta(days=3), NOW, [ONE, TWO], UTC) is None


def test_a_cancelled_session_before_is_no_limit():
    cancelled = Session(1, "cancelled", ONE.starts_at, ONE.ends_at)
    assert move_refusal(2, ONE.starts_at, NOW, [cancelled, TWO], UTC) is None
