"""How far ahead a practice books (BOOKING_HORIZON_DAYS, two years by default) and how
far back an appointment may be entered after the fact (SESSION_BACKDATE_DAYS, as for
sessions). Year 9998 was a typing error the booking stored. Pure: times and days in,
the refusal out.
"""

from datetime import datetime, timedelta


def horizon_refusal(
    starts_at: datetime, now: datetime, *, ahead_days: int, back_days: int | None = None
) -> str | None:
    """Why `starts_at` lies outside the horizon, or None. `back_days` None: no past
    bound (a rule of its own refuses the past).

    >>> from datetime import UTC
    >>> now = datetime(2026, 12, 2, 9, tzinfo=UTC)
    >>> horizon_refusal(now + timedelta(days=731), now, ahead_days=730)
    'Appointments are booked at most 730 days ahead.'
    >>> horizon_refusal(now - timedelta(days=366), now, ahead_days=730, back_days=365)
    'An appointment is entered at most 365 days after it took place.'
    >>> horizon_refusal(now + timedelta(days=730), now, ahead_days=730, back_days=365) is None
    True
    """
    if starts_at > now + timedelta(days=ahead_days):
        return f"Appointments are booked at most {ahead_days} days ahead."
    if back_days is not None and starts_at < now - timedelta(days=back_days):
        return f"An appointment is entered at most {back_days} days after it took place."
    return None
