"""Dates and times as people read them: one practice format on every page, message,
error and audit line (issue 16.C), so "05 Mar 2026" never sits beside "2026-03-05" or
"Thursday 5 March". The day always comes as two digits before the month's short name,
the time in 24 hours after a comma; a weekday goes in front where the day of the week
matters (the calendar), the year is left out only where the page names it (a week's
header). Entry is mesoplan/date_entry.py's (the practice's pattern, typed); the API's
JSON and the exports keep ISO 8601, the contract machines read.

A datetime is shown in the zone it carries, or converted to the `zone` given (the
practice's); templates convert to the zone the request activated (mesoplan.middleware),
as Django's own `|date` does.

>>> from datetime import date, datetime
>>> practice_date(date(2026, 3, 5)), practice_date(date(2026, 3, 5), weekday=True)
('05 Mar 2026', 'Thu 05 Mar 2026')
>>> practice_datetime(datetime(2026, 3, 5, 9, 30), weekday=True, year=False)
'Thu 05 Mar, 09:30'
"""

from datetime import date, datetime, time, tzinfo

from django.utils import dateformat, timezone

# The named formats (Django's date-format letters), the only ones text may use.
DATE = "d M Y"  # 05 Mar 2026
WEEKDAY_DATE = "D d M Y"  # Thu 05 Mar 2026
DAY_MONTH = "d M"  # 05 Mar: where the page names the year
WEEKDAY_DAY_MONTH = "D d M"  # Thu 05 Mar
TIME = "H:i"  # 09:30
DATETIME = f"{DATE}, {TIME}"  # 05 Mar 2026, 09:30
MONTH = "M Y"  # Mar 2026: a month of a year (the onset of hair loss)
WEEKDAY = "l"  # Thursday: "closed on Thursdays"
SHORT_WEEKDAY = "D"  # Thu: a calendar column's head
SECONDS = "H:i:s"  # 09:30:12: the audit trail, where order within a minute matters
HUMAN_FORMATS = frozenset(
    {DATE, WEEKDAY_DATE, DAY_MONTH, WEEKDAY_DAY_MONTH, TIME, DATETIME, MONTH, WEEKDAY}
    | {SHORT_WEEKDAY, SECONDS}
    | {f"{day}, {TIME}" for day in (WEEKDAY_DATE, DAY_MONTH, WEEKDAY_DAY_MONTH)}
)
# Not for reading: an attribute (<time datetime>) or a URL's query.
MACHINE_FORMATS = frozenset({"c", "Y-m-d"})


def day_format(*, weekday: bool = False, year: bool = True) -> str:
    """The named format of a day.

    >>> day_format(), day_format(weekday=True, year=False)
    ('d M Y', 'D d M')
    """
    if weekday:
        return WEEKDAY_DATE if year else WEEKDAY_DAY_MONTH
    return DATE if year else DAY_MONTH


def local(value: datetime, zone: tzinfo | None = None) -> datetime:
    """An aware datetime in `zone`; without a zone, or naive, as it is."""
    if zone is None or timezone.is_naive(value):
        return value
    return value.astimezone(zone)


def in_active_zone(value: datetime) -> datetime:
    """An aware datetime in the zone the request activated (the practice's)."""
    return local(value, timezone.get_current_timezone())


def practice_date(
    value: date | datetime, zone: tzinfo | None = None, *, weekday: bool = False, year: bool = True
) -> str:
    """The day, as "05 Mar 2026" (a datetime's day in the practice's zone)."""
    if isinstance(value, datetime):
        value = local(value, zone)
    return dateformat.format(value, day_format(weekday=weekday, year=year))


def practice_datetime(
    value: datetime, zone: tzinfo | None = None, *, weekday: bool = False, year: bool = True
) -> str:
    """The day and time, as "05 Mar 2026, 09:30" in the practice's zone."""
    return dateformat.format(
        local(value, zone), f"{day_format(weekday=weekday, year=year)}, {TIME}"
    )


def practice_time(
    value: datetime | time, zone: tzinfo | None = None, *, seconds: bool = False
) -> str:
    """The time of day, as "09:30" (24 hours).

    >>> practice_time(time(9, 5)), practice_time(time(9, 5, 7), seconds=True)
    ('09:05', '09:05:07')
    """
    shape = SECONDS if seconds else TIME
    if isinstance(value, datetime):
        return dateformat.format(local(value, zone), shape)
    return dateformat.time_format(value, shape)


def practice_month(value: date) -> str:
    """A month of a year, as "Mar 2026".

    >>> practice_month(date(2024, 3, 1))
    'Mar 2024'
    """
    return dateformat.format(value, MONTH)


def practice_weekday(value: date, *, short: bool = False) -> str:
    """The day of the week's name, as "Thursday" (short: "Thu").

    >>> practice_weekday(date(2026, 3, 5)), practice_weekday(date(2026, 3, 5), short=True)
    ('Thursday', 'Thu')
    """
    return dateformat.format(value, SHORT_WEEKDAY if short else WEEKDAY)
