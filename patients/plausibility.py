"""Plausibility of intake dates: one rule set for the browser forms and the API.

`today` is the practice's today (mesoplan.clock.practice_today), passed in: a rule never
reads the server's clock or zone."""

from datetime import date

OLDEST_PLAUSIBLE_AGE_YEARS = 130


def birth_date_error(value: date, today: date) -> str | None:
    """None when plausible, else the message to show.

    >>> birth_date_error(date(2999, 1, 1), today=date(2026, 1, 1))
    'The date of birth cannot be in the future.'
    """
    if value > today:
        return "The date of birth cannot be in the future."
    if value.year < today.year - OLDEST_PLAUSIBLE_AGE_YEARS:
        return "The date of birth is implausibly long ago."
    return None


def onset_error(onset: date | None, born: date | None, today: date) -> str | None:
    """None when the hair-loss onset is plausible for a patient born on `born`.

    >>> onset_error(date(2026, 1, 2), date(1980, 5, 1), today=date(2026, 1, 1))
    'The onset cannot be in the future.'
    """
    if onset is None:
        return None
    if onset > today:
        return "The onset cannot be in the future."
    if born is not None and onset < born:
        return "The onset cannot be before the date of birth."
    return None
