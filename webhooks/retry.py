"""When a failed delivery is tried again (API.md: about 5 s, 5 min, 30 min, 2 h, 5 h,
10 h and 10 h), and when an endpoint is disabled (every attempt failed for 5 days)."""

from datetime import datetime, timedelta

SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
ATTEMPTS = len(SCHEDULE) + 1
DISABLE_AFTER = timedelta(days=5)
TIMEOUT_SECONDS = 15


def next_attempt(attempts_made: int, now: datetime) -> datetime | None:
    """After the `attempts_made`-th failure, when to try again (None: no attempts left).

    >>> from datetime import UTC, datetime
    >>> t = datetime(2026, 1, 1, tzinfo=UTC)
    >>> next_attempt(1, t) - t, next_attempt(7, t) - t, next_attempt(8, t)
    (datetime.timedelta(seconds=5), datetime.timedelta(seconds=36000), None)
    """
    if attempts_made >= ATTEMPTS:
        return None
    return now + SCHEDULE[attempts_made - 1]


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    return failing_since is not None and now - failing_since >= DISABLE_AFTER
