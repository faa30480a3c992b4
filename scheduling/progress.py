"""A course's progress as clinic software shows it, "3 of 8": sessions done, booked and
not yet booked. Pure: counts of appointment statuses in, the figures out."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .models import AppointmentStatus


@dataclass(frozen=True)
class Progress:
    """`done` recorded as performed, `booked` still to come; the rest of the course's
    sessions (cancelled or missed and not booked again) are not yet booked."""

    done: int
    booked: int
    total: int

    @property
    def not_booked(self) -> int:
        return max(self.total - self.done - self.booked, 0)

    @property
    def label(self) -> str:
        return f"{self.done} of {self.total}"

    @property
    def cells(self) -> list[str]:
        """One state per session, for the progress strip: done, booked, open."""
        done = min(self.done, self.total)
        booked = min(self.booked, self.total - done)
        return ["done"] * done + ["booked"] * booked + ["open"] * (self.total - done - booked)

    @property
    def detail(self) -> str:
        return f"{self.done} done · {self.booked} booked · {self.not_booked} not yet booked"


def course_progress(status_counts: Mapping[str, int], total: int) -> Progress:
    """The progress of a course of `total` sessions from how many of its appointments
    are in each status (a no-show counts as neither done nor booked: it is booked again).

    >>> p = course_progress({"completed": 3, "scheduled": 4, "cancelled": 2, "no_show": 1}, 8)
    >>> p.label, p.detail
    ('3 of 8', '3 done · 4 booked · 1 not yet booked')
    """
    return Progress(
        done=status_counts.get(AppointmentStatus.COMPLETED, 0),
        booked=status_counts.get(AppointmentStatus.SCHEDULED, 0),
        total=total,
    )


@dataclass(frozen=True)
class SessionRow:
    """One session of a course: its current appointment (None: not yet booked) and any
    cancelled earlier bookings of it."""

    sequence: int
    appointment: Any
    cancelled: list


def session_rows(appointments: Sequence[Any], total: int) -> list[SessionRow]:
    """A row per session 1..total from the course's appointments (any status).

    >>> from types import SimpleNamespace as A
    >>> rows = session_rows([A(sequence=1, status="completed"), A(sequence=2, status="cancelled")], 3)
    >>> [(r.sequence, r.appointment and r.appointment.status, len(r.cancelled)) for r in rows]
    [(1, 'completed', 0), (2, None, 1), (3, None, 0)]
    """
    rows = []
    for sequence in range(1, total + 1):
        mine = [a for a in appointments if a.sequence == sequence]
        current = next((a for a in mine if a.status != AppointmentStatus.CANCELLED), None)
        cancelled = [a for a in mine if a.status == AppointmentStatus.CANCELLED]
        rows.append(SessionRow(sequence, current, cancelled))
    return rows
