"""When a deferred patient is due to be screened again. A temporary absolute
contraindication (pregnancy, an acute infection or dermatosis: DOMAIN.md) defers
treatment; the practice screens again after a set number of days
(settings.DEFERRAL_RESCREEN_DAYS)."""

from datetime import date, timedelta


def rescreen_due_on(screened_on: date, days: int) -> date:
    """The day a deferred screening taken on `screened_on` is due to be repeated.

    >>> rescreen_due_on(date(2026, 3, 10), 14)
    datetime.date(2026, 3, 24)
    >>> rescreen_due_on(date(2026, 12, 25), 14)
    datetime.date(2027, 1, 8)
    >>> rescreen_due_on(date(2026, 3, 10), 0)
    datetime.date(2026, 3, 10)
    """
    if days < 0:
        raise ValueError("The re-screening interval cannot be negative.")
    return screened_on + timedelta(days=days)
