"""The course planner (DOMAIN.md "The course: schedule"), pure: intervals, month ends,
leap years, closed days, busy slots, summer time, zones far from UTC; the counter-examples
of issue 15 as named cases; and a property against a brute-force reference planner."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from protocols.planner import (
    Availability,
    PlanningError,
    Schedule,
    add_months,
    is_free,
    plan_course_dates,
    session_end,
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
    # 6 June is a Saturday: session 6 moved to the nearest open day, Friday the 5th; session
    # 7 is one month after that, Sunday 5 July, and moves to Monday the 6th.
    assert [s.sequence for s in plan.sessions if s.moved] == [6, 7]


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


def test_the_monthly_part_counts_each_month_from_the_session_before_after_a_short_month():
    # Session 4 on 31 Dec: then 31 Jan, 28 Feb (clamped), and one month after that each
    # time (docs/domain.md: each monthly session one month after the one before as booked).
    start = datetime(2026, 12, 10, 11, tzinfo=BERLIN)
    plan = plan_course_dates(start, 7, Schedule(), Availability(BERLIN, ALL_WEEK))
    assert starts(plan, "%d %b %Y")[3:] == [
        "31 Dec 2026",
        "31 Jan 2027",
        "28 Feb 2027",
        "28 Mar 2027",
        "28 Apr 2027",
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


# --- Issue 15: each counter-example, as a named case ---------------------------------


def test_session_one_is_never_placed_before_the_chosen_start():
    # Start Saturday 10:00 with the practice closed at weekends, while it is Friday 15:00:
    # Friday 10:00 is the nearest open slot, but it is before the start (and in the past).
    now = datetime(2026, 9, 4, 15, tzinfo=BERLIN)
    start = datetime(2026, 9, 5, 10, tzinfo=BERLIN)
    plan = plan_course_dates(start, 7, Schedule(), Availability(BERLIN, WEEKDAYS), not_before=now)
    assert [u.sequence for u in plan.unplaced] == [1]
    assert plan.unplaced[0].reason == (
        "The practice is closed on Saturdays and no later slot is free within 1 day."
    )
    assert all(s.start >= start for s in plan.sessions)


def test_session_one_moves_later_the_same_day_never_earlier():
    busy = [(datetime(2026, 9, 8, 10, tzinfo=BERLIN), datetime(2026, 9, 8, 11, tzinfo=BERLIN))]
    plan = plan_course_dates(
        datetime(2026, 9, 8, 10, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS, busy=busy),
    )
    assert plan.sessions[0].start == datetime(2026, 9, 8, 11, tzinfo=BERLIN)  # not 09:15


def test_no_session_starts_before_not_before():
    # Re-planned at 10:20 for 10:00 the same day: the first free moment from now on.
    plan = plan_course_dates(
        datetime(2026, 9, 8, 10, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS),
        not_before=datetime(2026, 9, 8, 8, 20, tzinfo=UTC),
    )
    assert plan.sessions[0].start == datetime(2026, 9, 8, 10, 20, tzinfo=BERLIN)
    exact = plan_course_dates(
        datetime(2026, 9, 8, 10, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS),
        exact_first=True,
        not_before=datetime(2026, 9, 8, 8, 20, tzinfo=UTC),
    )
    assert exact.unplaced[0].sequence == 1 and "has passed" in exact.unplaced[0].reason


def test_each_monthly_session_counts_from_the_one_before_as_booked():
    # Mondays only. Counted from an anchor (26 Jan + 3 months = Sun 26 Apr), session 7 was
    # Mon 27 Apr: 35 days after session 6 on 23 Mar, 4 days beyond "one month after".
    mondays = {0: [(time(8), time(18))]}
    plan = plan_course_dates(
        datetime(2026, 1, 5, 10, tzinfo=BERLIN), 7, Schedule(), Availability(BERLIN, mondays)
    )
    assert starts(plan, "%a %d %b")[3:] == [
        "Mon 26 Jan",
        "Mon 23 Feb",
        "Mon 23 Mar",
        "Mon 20 Apr",  # 23 Apr is a Thursday: the nearest Monday within 3 days
        "Mon 18 May",
    ]


def test_a_session_moved_to_another_day_keeps_its_exact_time_of_day():
    holiday = date(2026, 12, 24)
    plan = plan_course_dates(
        datetime(2026, 12, 10, 10, 7, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS, closed=frozenset({holiday})),
    )
    assert plan.sessions[2].start == datetime(2026, 12, 25, 10, 7, tzinfo=BERLIN)  # not 10:00


def test_a_moved_session_keeps_its_time_when_the_practice_opens_off_the_quarter_hour():
    opening = {d: [(time(8, 10), time(18))] for d in range(5)}
    plan = plan_course_dates(
        datetime(2026, 9, 7, 10, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, opening, closed=frozenset({date(2026, 9, 14)})),
    )
    assert plan.sessions[1].start == datetime(2026, 9, 15, 10, tzinfo=BERLIN)  # not 09:55


def _tuesday_with_a_gap(gap_end: time) -> Availability:
    """Tue 8 Sep busy but for 10:50 to `gap_end`; Monday and Wednesday closed."""
    day = date(2026, 9, 8)
    busy = [
        (datetime.combine(day, time(8), BERLIN), datetime.combine(day, time(10, 50), BERLIN)),
        (datetime.combine(day, gap_end, BERLIN), datetime.combine(day, time(18), BERLIN)),
    ]
    closed = frozenset({date(2026, 9, 7), date(2026, 9, 9)})
    return Availability(BERLIN, WEEKDAYS, closed, busy)


def test_a_free_window_between_appointments_is_found_exactly():
    plan = plan_course_dates(
        datetime(2026, 9, 1, 10, tzinfo=BERLIN), 7, Schedule(), _tuesday_with_a_gap(time(11, 40))
    )
    assert plan.is_complete
    assert plan.sessions[1].start == datetime(2026, 9, 8, 10, 50, tzinfo=BERLIN)


def test_the_reasons_given_are_true():
    # A 40-minute gap is too short: busy at 10:00 is true, and so is the rest.
    plan = plan_course_dates(
        datetime(2026, 9, 1, 10, tzinfo=BERLIN), 7, Schedule(), _tuesday_with_a_gap(time(11, 30))
    )
    assert plan.unplaced[0].reason == (
        "The clinician or the patient is busy at 08 Sep 2026, 10:00 and no slot is free "
        "within 1 day."
    )
    # Session 2 moved to 17:30, where the practice closes before a 45-minute session ends
    # (and Wednesday is closed): not "busy".
    closed = frozenset({date(2026, 9, 9)})
    late = plan_course_dates(
        datetime(2026, 9, 8, 17, 30, tzinfo=BERLIN),
        7,
        Schedule(),
        Availability(BERLIN, WEEKDAYS, closed),
        first_sequence=2,
    )
    assert late.unplaced[0].reason == (
        "At 08 Sep 2026, 17:30 the practice is not open for the whole session and no later "
        "slot is free within 1 day."
    )


def test_a_session_across_the_autumn_change_lasts_its_length_in_real_time():
    # Sunday 25 Oct 2026: the clocks go back from 03:00 summer time to 02:00 winter time.
    night = {6: [(time(0), time(3))]}
    start = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)  # 00:30 UTC
    plan = plan_course_dates(start, 7, Schedule(), Availability(BERLIN, night))
    first = plan.sessions[0]
    assert first.start == start and f"{first.end:%H:%M %Z}" == "02:15 CET"
    assert all(
        s.end.astimezone(UTC) - s.start.astimezone(UTC) == timedelta(minutes=45)
        for s in plan.sessions
    )
    # Free at 02:30 summer time although the wall clock says 03:15 at the end; an
    # appointment at 02:20 winter time (01:20 UTC) does not stand in its way.
    later = [(datetime(2026, 10, 25, 1, 20, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC))]
    assert is_free(start, timedelta(minutes=45), Availability(BERLIN, night, busy=later))
    assert session_end(start, timedelta(minutes=45)) - start != timedelta(
        minutes=45
    )  # same tzinfo: wall clock


# --- The property: over zones from UTC-11 to UTC+14 ----------------------------------

ZONES = [
    "Pacific/Pago_Pago",  # UTC-11
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kathmandu",  # UTC+5:45
    "Australia/Lord_Howe",  # a half-hour summer time
    "Pacific/Kiritimati",  # UTC+14
]
STEP = 5  # minutes: every generated time lies on this grid, so the reference's grid is exact


def at_minute(minute: int) -> time:
    return time(minute // 60, minute % 60)


def grid(low: time, high: time) -> st.SearchStrategy[int]:
    low_m, high_m = low.hour * 60 + low.minute, high.hour * 60 + high.minute
    return st.integers(low_m // STEP, high_m // STEP).map(lambda n: n * STEP)


# Opening hours from 06:00 on: no summer-time change of these zones falls inside them.
one_interval = st.tuples(grid(time(6), time(10)), grid(time(12), time(20))).map(
    lambda t: [(at_minute(t[0]), at_minute(t[1]))]
)
split_day = st.tuples(grid(time(6), time(10)), grid(time(14), time(20))).map(
    lambda t: [(at_minute(t[0]), time(12)), (time(13), at_minute(t[1]))]
)
opening_hours = st.fixed_dictionaries(
    {d: st.one_of(st.just([]), one_interval, split_day) for d in range(7)}
)
busy_periods = st.lists(
    st.tuples(
        st.integers(min_value=-3, max_value=250),
        grid(time(6), time(19)),
        st.integers(1, 36).map(lambda n: n * STEP),
    ),
    max_size=40,
)


def reference_plan(start, interval, schedule, availability, first_sequence, exact, not_before):
    """The rules of DOMAIN.md as written, by brute force over a grid of wall-clock times:
    {sequence: (ideal, start or None)}."""
    zone = availability.zone
    start = start.astimezone(zone)
    at = start.time()
    length = timedelta(minutes=schedule.session_minutes)
    busy = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in availability.busy]
    taken: list = []

    def free(candidate, earliest):
        begin = candidate.astimezone(UTC)
        end = begin + length
        local_end = end.astimezone(zone)
        day = candidate.date()
        return (
            begin >= earliest
            and day not in availability.closed
            and local_end.date() == day
            and any(
                opens <= candidate.time() and local_end.time() <= closes
                for opens, closes in availability.opening.get(day.weekday(), ())
            )
            and not any(begin < e and s < end for s, e in [*busy, *taken])
        )

    result: dict = {}
    previous, previous_end = start.date(), None
    for sequence in range(first_sequence, schedule.session_count + 1):
        first = sequence == first_sequence
        if first:
            ideal = start
        elif sequence <= schedule.initial_sessions:
            ideal = datetime.combine(previous + timedelta(days=interval), at, zone)
        else:
            ideal = datetime.combine(add_months(previous, 1), at, zone)
        weekly = sequence <= schedule.initial_sessions
        tolerance = schedule.initial_tolerance_days if weekly else schedule.later_tolerance_days
        bounds = [b for b in (not_before, previous_end, start if first else None) if b]
        earliest = (
            max(b.astimezone(UTC) for b in bounds) if bounds else datetime.min.replace(tzinfo=UTC)
        )
        placed = None
        if exact and first:
            placed = ideal if free(ideal, earliest) else None
        else:
            best = None
            for offset in range(0 if first else -tolerance, tolerance + 1):
                day = ideal.date() + timedelta(days=offset)
                wanted = ideal if offset == 0 else datetime.combine(day, at, zone)
                for opens, closes in availability.opening.get(day.weekday(), ()):
                    wall = datetime.combine(day, opens)
                    while wall.time() <= closes and wall.date() == day:
                        candidate = wall.replace(tzinfo=zone)
                        wall += timedelta(minutes=STEP)
                        if free(candidate, earliest):
                            distance = abs(candidate.astimezone(UTC) - wanted.astimezone(UTC))
                            rank = (abs(offset), distance, -candidate.timestamp())
                            if best is None or rank < best[0]:
                                best = (rank, candidate)
            placed = best[1] if best else None
        result[sequence] = (ideal, placed)
        if placed is None:
            previous = ideal.date()
            continue
        end = placed.astimezone(UTC) + length
        taken.append((placed.astimezone(UTC), end))
        previous, previous_end = placed.date(), end
    return result


@settings(max_examples=60, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    start_day=st.dates(min_value=date(2026, 1, 1), max_value=date(2030, 12, 31)),
    minute=grid(time(6), time(17)),
    interval=st.sampled_from([7, 14]),
    opening=opening_hours,
    closed_offsets=st.sets(st.integers(min_value=-3, max_value=250), max_size=30),
    busy=busy_periods,
    not_before_minutes=st.integers(-3000 // STEP, 600 // STEP).map(lambda n: n * STEP),
    first_sequence=st.sampled_from([1, 1, 1, 2, 4, 5, 7]),
    exact=st.booleans(),
)
# Session 1 before the chosen start: Saturday 10:00, weekends closed, now Friday 15:00.
@example("Europe/Berlin", date(2026, 9, 5), 600, 7, WEEKDAYS, set(), [], -1140, 1, False)
# Monthly spacing from the session before as booked: Mondays only.
@example(
    "Europe/Berlin", date(2026, 1, 5), 600, 7, {0: [(time(8), time(18))]}, set(), [], -60, 1, False
)
# The time of day kept on another day, with opening hours off the quarter hour.
@example(
    "Europe/Berlin",
    date(2026, 9, 7),
    600,
    7,
    {d: [(time(8, 10), time(18))] for d in range(5)},
    {7},
    [],
    -60,
    1,
    False,
)
# A free 10:50-11:40 between two appointments, the days either side closed.
@example(
    "Europe/Berlin",
    date(2026, 9, 1),
    600,
    7,
    WEEKDAYS,
    {6, 8},
    [(7, 480, 170), (7, 700, 380)],
    -60,
    1,
    False,
)
def test_every_session_keeps_the_rules_and_matches_a_brute_force_reference(
    zone_name,
    start_day,
    minute,
    interval,
    opening,
    closed_offsets,
    busy,
    not_before_minutes,
    first_sequence,
    exact,
):
    zone = ZoneInfo(zone_name)
    schedule = Schedule()
    length = timedelta(minutes=schedule.session_minutes)
    at = at_minute(minute)
    start = datetime.combine(start_day, at, zone)
    not_before = start.astimezone(UTC) + timedelta(minutes=not_before_minutes)
    closed = frozenset(start_day + timedelta(days=n) for n in closed_offsets)
    busy_periods_ = [
        (
            datetime.combine(start_day + timedelta(days=n), at_minute(m), zone),
            datetime.combine(start_day + timedelta(days=n), at_minute(m), zone).astimezone(UTC)
            + timedelta(minutes=minutes),
        )
        for n, m, minutes in busy
    ]
    availability = Availability(zone, opening, closed, busy_periods_)
    plan = plan_course_dates(
        start,
        interval,
        schedule,
        availability,
        first_sequence=first_sequence,
        exact_first=exact,
        not_before=not_before,
    )
    placed = {s.sequence: s for s in plan.sessions}
    unplaced = {u.sequence: u for u in plan.unplaced}
    assert sorted([*placed, *unplaced]) == list(range(first_sequence, schedule.session_count + 1))

    # The reference: the same sessions, at the same instants, or the same ones unplaced.
    reference = reference_plan(
        start, interval, schedule, availability, first_sequence, exact, not_before
    )
    for sequence, (ideal, where) in reference.items():
        got = placed.get(sequence) or unplaced[sequence]
        assert got.ideal_start.astimezone(UTC) == ideal.astimezone(UTC), sequence
        got_start = placed[sequence].start.astimezone(UTC) if sequence in placed else None
        assert got_start == (where.astimezone(UTC) if where else None), sequence

    def local_date(moment):
        return moment.astimezone(zone).date()

    sessions = [placed[k] for k in sorted(placed)]
    for s in sessions:
        begin, end = s.start.astimezone(UTC), s.end.astimezone(UTC)
        assert end - begin == length  # real time, whatever the clocks do
        assert begin >= not_before
        weekly = s.sequence <= schedule.initial_sessions
        tolerance = schedule.initial_tolerance_days if weekly else schedule.later_tolerance_days
        moved_days = (local_date(s.start) - local_date(s.ideal_start)).days
        assert abs(moved_days) <= tolerance
        # An unmoved session keeps the course's local time of day exactly; a moved one
        # keeps it too whenever that time is free on the day it moved to.
        assert s.ideal_start.astimezone(zone).time() == at
        wanted = datetime.combine(local_date(s.start), at, zone)
        others = [(o.start, o.end) for o in sessions if o.sequence < s.sequence]
        free_at_the_time = is_free(wanted, length, availability, others) and wanted.astimezone(
            UTC
        ) >= max([not_before, *(e.astimezone(UTC) for _, e in others)])
        if free_at_the_time and s.sequence != first_sequence:
            assert s.start.astimezone(zone).time() == at, s
        local_start, local_end = s.start.astimezone(zone), s.end.astimezone(zone)
        assert local_start.date() not in closed and local_end.date() == local_start.date()
        assert any(
            o <= local_start.time() and local_end.time() <= c
            for o, c in opening.get(local_start.weekday(), ())
        )
        assert not any(
            begin < e.astimezone(UTC) and b.astimezone(UTC) < end for b, e in busy_periods_
        )
    if first_sequence in placed:
        first = placed[first_sequence]
        assert first.start.astimezone(UTC) >= start.astimezone(UTC)
        if exact:
            assert first.start.astimezone(UTC) == start.astimezone(UTC)
    for a, b in itertools.pairwise(sessions):
        assert a.end.astimezone(UTC) <= b.start.astimezone(UTC), "out of order or overlapping"
    for k in range(first_sequence + 1, schedule.session_count + 1):
        if k in placed and k - 1 in placed:
            before = local_date(placed[k - 1].start)
            if k <= schedule.initial_sessions:
                ideal_day = before + timedelta(days=interval)
                tolerance = schedule.initial_tolerance_days
            else:
                ideal_day = add_months(before, schedule.months_between_later_sessions)
                tolerance = schedule.later_tolerance_days
            assert abs((local_date(placed[k].start) - ideal_day).days) <= tolerance, k
    for u in plan.unplaced:  # each reason true
        day = local_date(u.ideal_start)
        if "is busy at" in u.reason:
            ideal = u.ideal_start.astimezone(UTC)
            assert any(
                ideal < e.astimezone(UTC) and b.astimezone(UTC) < ideal + length
                for b, e in busy_periods_
            )
        if f"{day:%d %b %Y} is closed" in u.reason:
            assert day in closed
        if "The practice is closed on" in u.reason:
            assert not opening.get(day.weekday())


def test_a_schedule_without_tolerance_says_that_day_not_within_0_days():
    """Issue 16.C: "no slot is free within 0 days" read as nonsense."""
    from protocols.planner import _why_not

    berlin = ZoneInfo("Europe/Berlin")
    busy = datetime(2026, 3, 2, 10, tzinfo=berlin)
    availability = Availability(
        berlin,
        {d: [(time(8), time(18))] for d in range(7)},
        busy=((busy, busy + timedelta(hours=1)),),
    )
    why = _why_not(busy, timedelta(minutes=45), 0, availability, ())
    assert why.endswith("no slot is free that day.") and "0 days" not in why
    assert _why_not(busy, timedelta(minutes=45), 3, availability, ()).endswith("within 3 days.")
