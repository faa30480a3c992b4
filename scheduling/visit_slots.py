"""Where a visit booked outside a course's plan could go: the first free start in a run of
days (a maintenance visit in its recall window, a cancelled course session booked again).
Pure, over the planner's availability; the booking page proposes it, the person decides.
"""

from datetime import date, datetime, timedelta

from protocols.planner import Availability, free_windows


def first_free(
    availability: Availability,
    first_day: date,
    last_day: date,
    length: timedelta,
    *,
    earliest: datetime | None = None,
) -> datetime | None:
    """The earliest start from `first_day` to `last_day` (local days) where `length` fits,
    never before `earliest`; None when nothing fits.

    >>> from datetime import time
    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> busy = [(datetime(2026, 9, 8, 8, tzinfo=berlin), datetime(2026, 9, 8, 11, 30, tzinfo=berlin))]
    >>> hours = Availability(berlin, {1: [(time(8), time(12))], 2: [(time(9), time(10))]}, busy=busy)
    >>> f"{first_free(hours, date(2026, 9, 7), date(2026, 9, 9), timedelta(minutes=45)):%a %H:%M}"
    'Wed 09:00'
    >>> first_free(hours, date(2026, 9, 7), date(2026, 9, 8), timedelta(minutes=45)) is None
    True
    """
    day = first_day
    while day <= last_day:
        for opens, closes in free_windows(day, availability, earliest=earliest):
            if closes - opens >= length:
                return opens.astimezone(availability.zone)
        day += timedelta(days=1)
    return None
