"""The order of a course's sessions (DOMAIN.md, "The course"): session k is recorded only
once sessions 1..k-1 happened or were let go (recorded, cancelled or marked no-show),
and a planned session never moves into the past nor before the session before it.

Pure: the course's sessions come in as plain values, the refusal goes out as text. The
recording and moving services ask it, under the course's row lock.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from mesoplan.date_display import practice_datetime
from protocols.planner import Schedule, add_months, local

# What a session may be before a later one is recorded: it happened, or it never will.
SETTLED = frozenset({"completed", "cancelled", "no_show"})


@dataclass(frozen=True)
class Session:
    """One appointment of a course, as the order rule sees it."""

    sequence: int
    status: str
    starts_at: datetime
    ends_at: datetime


def unsettled_before(sequence: int, sessions: Iterable[Session]) -> list[int]:
    """The earlier sessions of the course that are still only planned: session `sequence`
    may be recorded when there are none.

    >>> from datetime import UTC
    >>> at = datetime(2026, 3, 2, 10, tzinfo=UTC)
    >>> course = [Session(1, "completed", at, at), Session(2, "scheduled", at, at),
    ...           Session(3, "no_show", at, at), Session(4, "scheduled", at, at)]
    >>> unsettled_before(4, course), unsettled_before(2, course)
    ([2], [])
    """
    return sorted(s.sequence for s in sessions if s.sequence < sequence and s.status not in SETTLED)


def sessions_text(sequences: Iterable[int]) -> str:
    """Sessions in words, for a message.

    >>> sessions_text([2]), sessions_text([1, 2]), sessions_text([1, 2, 5])
    ('session 2', 'sessions 1 and 2', 'sessions 1, 2 and 5')
    """
    numbers = [str(n) for n in sequences]
    if len(numbers) == 1:
        return f"session {numbers[0]}"
    return f"sessions {', '.join(numbers[:-1])} and {numbers[-1]}"


def out_of_order_message(sequence: int, unsettled: list[int]) -> str:
    return (
        f"Session {sequence} comes after {sessions_text(unsettled)} of this course, which "
        f"{'is' if len(unsettled) == 1 else 'are'} not recorded, cancelled or marked no-show "
        "yet: record or settle them first."
    )


@dataclass(frozen=True)
class Refusal:
    """Why a move is refused: `past` (a bad time, 400) or `order` (the course, 409)."""

    kind: str
    message: str


def move_refusal(
    sequence: int | None,
    starts_at: datetime,
    now: datetime,
    sessions: Iterable[Session],
    zone: tzinfo,
) -> Refusal | None:
    """Why a planned appointment may not move to `starts_at`, or None. Never into the past;
    a course session never to or before the end of the session before it (the later
    ones follow the move, so they are no limit).

    >>> from datetime import UTC, timedelta
    >>> now = datetime(2026, 3, 9, 8, tzinfo=UTC)
    >>> one = Session(1, "completed", now - timedelta(days=7), now - timedelta(days=7, minutes=-45))
    >>> move_refusal(2, now - timedelta(hours=1), now, [one], UTC).kind
    'past'
    >>> move_refusal(2, one.starts_at + timedelta(minutes=30), now, [one], UTC).kind
    'past'
    >>> later = Session(1, "scheduled", now + timedelta(days=2), now + timedelta(days=2, minutes=45))
    >>> move_refusal(2, now + timedelta(days=1), now, [later], UTC).kind
    'order'
    >>> move_refusal(2, now + timedelta(days=3), now, [later], UTC) is None
    True
    """
    if starts_at < now:
        return Refusal("past", "A planned session is never moved into the past.")
    if sequence is None:
        return None
    earlier = [s for s in sessions if s.sequence < sequence and s.status != "cancelled"]
    if not earlier:
        return None
    previous = max(earlier, key=lambda s: s.sequence)
    if starts_at < previous.ends_at:
        return Refusal(
            "order",
            f"Session {sequence} cannot come before session {previous.sequence} of its "
            f"course ({practice_datetime(previous.starts_at, zone, weekday=True)}): the "
            "course's order holds.",
        )
    return None


def rebook_refusal(
    sequence: int,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
    sessions: Iterable[Session],
    zone: tzinfo,
) -> Refusal | None:
    """Why a cancelled session `sequence` may not be booked again at `starts_at`, or None:
    as a move (never in the past, never before the session before it), and, since the
    later sessions stay where they are, never after the start of the next one.

    >>> from datetime import UTC, timedelta
    >>> now = datetime(2026, 3, 9, 8, tzinfo=UTC)
    >>> three = Session(3, "scheduled", now + timedelta(days=7), now + timedelta(days=7, hours=1))
    >>> rebook_refusal(2, now + timedelta(days=7), now + timedelta(days=7, hours=1), now,
    ...                [three], UTC).message[:42]
    'Session 2 must end before session 3 starts'
    >>> rebook_refusal(2, now + timedelta(days=6), now + timedelta(days=6, hours=1), now,
    ...                [three], UTC) is None
    True
    """
    refusal = move_refusal(sequence, starts_at, now, sessions, zone)
    if refusal is not None:
        return refusal
    later = [s for s in sessions if s.sequence > sequence and s.status != "cancelled"]
    if later:
        following = min(later, key=lambda s: s.sequence)
        if ends_at > following.starts_at:
            return Refusal(
                "order",
                f"Session {sequence} must end before session {following.sequence} starts "
                f"({practice_datetime(following.starts_at, zone, weekday=True)}): the course's "
                "order holds. Move that session first, or choose an earlier time.",
            )
    return None


def replan_start(
    done: Session, following: Session, schedule: Schedule, interval_days: int, zone: tzinfo
) -> datetime | None:
    """When the session after `done` (the course's latest recorded session) should start,
    counted from when `done` happened, if `following` (planned) lies further from it
    than the schedule and its tolerance allow; else None. Performing a session early, or
    recording it late after the later ones were planned, opens such a gap.

    >>> from datetime import UTC
    >>> day = lambda d, h=10: datetime(2026, 3, d, h, tzinfo=UTC)
    >>> done = Session(2, "completed", day(2), day(2, 11))   # planned for the 9th
    >>> planned = Session(3, "scheduled", day(16, 14), day(16, 15))
    >>> replan_start(done, planned, Schedule(), 7, UTC)
    datetime.datetime(2026, 3, 9, 14, 0, tzinfo=datetime.timezone.utc)
    >>> replan_start(done, Session(3, "scheduled", day(9, 14), day(9, 15)), Schedule(), 7, UTC)
    """
    base = done.starts_at.astimezone(zone).date()
    if following.sequence <= schedule.initial_sessions:
        ideal_day = base + timedelta(days=interval_days * (following.sequence - done.sequence))
        tolerance = schedule.initial_tolerance_days
    else:
        months = (following.sequence - done.sequence) * schedule.months_between_later_sessions
        ideal_day = add_months(base, months)
        tolerance = schedule.later_tolerance_days
    planned = following.starts_at.astimezone(zone)
    if abs((planned.date() - ideal_day).days) <= tolerance:
        return None
    return local(ideal_day, planned.time().replace(tzinfo=None), zone)  # type: ignore[arg-type]
