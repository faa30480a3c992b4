"""The dates MesoPlan accepts anywhere, typed in a form, sent to the API or put in a URL:
years 1900 to 2199. Python's date ends at year 9999 and PostgreSQL's timestamps at other
bounds, so a day after 31.12.9999 or an offset before year 1 raised OverflowError (a 500)
in the calendar, moves and bookings; nobody mesotherapy treats was born before 1900 or
books after 2199. Rules that need tighter bounds (a session's backdating, the booking
horizon) apply theirs on top.
"""

from datetime import UTC, date, datetime

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
OUT_OF_RANGE = "Enter a date between 1900 and 2199."


def is_within(day: date) -> bool:
    """Whether a day lies within the bounds.

    >>> is_within(date(1900, 1, 1)), is_within(date(2199, 12, 31)), is_within(date(1, 1, 1))
    (True, True, False)
    """
    return EARLIEST <= day <= LATEST


def moment_is_within(moment: datetime) -> bool:
    """An aware moment, judged by its UTC date (a naive one by its own date).

    >>> from datetime import timezone, timedelta
    >>> moment_is_within(datetime(1900, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))))
    False
    """
    day = moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
    return is_within(day)
