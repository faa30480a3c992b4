"""Plausibility of intake dates: one rule set for the browser forms and the API."""

from datetime import date

from django.utils import timezone

OLDEST_PLAUSIBLE_AGE_YEARS = 130


def birth_date_error(value: date, today: date | None = None) -> str | None:
    """None when plausible, else the message to show.

    >>> birth_date_error(date(2999, 1, 1), today=date(2026, 1, 1))
    'The date of birth cannot be in the future.'
    """
    today = today or timezone.localdate()
    if value > today:
        return "The date of birth cannot be in the future."
    if value.year < today.year - OLDEST_PLAUSIBLE_AGE_YEARS:
        return "The date of birth is implausibly long ago."
    return None


def onset_error(onset: date | None, born: date | None, today: date | None = None) -> str | None:
    """None when the hair-loss onset is plausible for a patient born on `born`."""
    if onset is None:
        return None
    if onset > (today or timezone.localdate()):
        return "The onset cannot be in the future."
    if born is not None and onset < born:
        return "The onset cannot be before the date of birth."
    return None
