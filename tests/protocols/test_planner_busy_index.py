"""The planner reads a day's busy periods from an index by local date (issue 16: it
compared every candidate with every busy period of half a year, 2.66 M comparisons for
one booking). The free windows are exactly those of the plain scan over every period."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.planner import Availability, free_windows, local

BERLIN = ZoneInfo("Europe/Berlin")
FIRST = date(2026, 10, 20)  # the autumn change to winter time falls in the days drawn


def plain_free_windows(day, availability, taken=(), earliest=None):
    """The planner's windows as they were computed before the index: every busy period
    looked at for every day."""
    if day in availability.closed:
        return []
    blocked = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in (*availability.busy, *taken)]
    free = []
    for opens, closes in availability.opening.get(day.weekday(), ()):
        cursor = local(day, opens, availability.zone).astimezone(UTC)
        until = local(day, closes, availability.zone).astimezone(UTC)
        if earliest is not None:
            cursor = max(cursor, earliest.astimezone(UTC))
        for other_start, other_end in sorted(p for p in blocked if p[0] < until and cursor < p[1]):
            if cursor < other_start:
                free.append((cursor, other_start))
            cursor = max(cursor, other_end)
        if cursor < until:
            free.append((cursor, until))
    return free


periods = st.tuples(
    st.integers(0, 10 * 24 * 4),
    st.integers(1, 12 * 4),  # start and length in quarter hours
).map(
    lambda p: (
        datetime.combine(FIRST, time(0), BERLIN).astimezone(UTC) + timedelta(minutes=15 * p[0]),
        datetime.combine(FIRST, time(0), BERLIN).astimezone(UTC)
        + timedelta(minutes=15 * (p[0] + p[1])),
    )
)


@settings(max_examples=200, deadline=None)
@given(
    busy=st.lists(periods, max_size=40),
    taken=st.lists(periods, max_size=3),
    offset=st.integers(0, 10),
    earliest=st.none() | periods.map(lambda p: p[0]),
)
def test_the_free_windows_are_those_of_the_plain_scan(busy, taken, offset, earliest):
    opening = {d: [(time(8), time(12)), (time(13), time(18))] for d in range(7)}
    opening[6] = [(time(0), time(23, 59))]
    availability = Availability(BERLIN, opening, frozenset({FIRST + timedelta(days=3)}), busy)
    day = FIRST + timedelta(days=offset)
    assert free_windows(day, availability, taken, earliest) == plain_free_windows(
        day, availability, taken, earliest
    )
