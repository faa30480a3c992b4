"""Pre-operative courses (DOMAIN.md, "Combinations"): a course before plastic surgery, for
better wound healing, needs at least two sessions before the operation date. Pure: the
planned or booked session starts in, a warning out (the booking goes ahead; the
clinician decides)."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from mesoplan.date_display import practice_date

from .models import Combination

MIN_SESSIONS_BEFORE_OPERATION = 2


def sessions_before(starts: Iterable[datetime], operation_date: date, zone: ZoneInfo) -> int:
    """How many sessions fall on a day before the operation (at the practice)."""
    return sum(1 for start in starts if start.astimezone(zone).date() < operation_date)


def operation_date_error(combinations: Sequence[str], operation_date: date | None) -> str | None:
    """A pre-operative course is planned towards its operation: it needs the date.

    >>> operation_date_error(["pre_operative"], None)
    'A pre-operative course needs the operation date.'
    >>> operation_date_error(["prp"], None) is None
    True
    """
    if Combination.PRE_OPERATIVE in combinations and operation_date is None:
        return "A pre-operative course needs the operation date."
    return None


def pre_operative_warning(
    starts: Iterable[datetime], operation_date: date | None, zone: ZoneInfo
) -> str | None:
    """The warning to show when fewer than two sessions fall before the operation.

    >>> from datetime import timedelta
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> first = datetime(2026, 9, 7, 10, tzinfo=berlin)
    >>> weekly = [first + timedelta(days=7 * n) for n in range(4)]
    >>> pre_operative_warning(weekly, date(2026, 9, 15), berlin) is None
    True
    >>> pre_operative_warning(weekly, date(2026, 9, 14), berlin)
    'Only 1 session falls before the operation on 14 Sep 2026: a pre-operative course needs at least 2.'
    """
    if operation_date is None:
        return None
    before = sessions_before(starts, operation_date, zone)
    if before >= MIN_SESSIONS_BEFORE_OPERATION:
        return None
    count = "No session falls" if before == 0 else f"Only {before} session falls"
    return (
        f"{count} before the operation on {practice_date(operation_date)}: a pre-operative course "
        f"needs at least {MIN_SESSIONS_BEFORE_OPERATION}."
    )
