"""The day's states of an appointment: the patient arrived (check-in), did not come
(no-show), or the visit is done. Pure: an appointment's state and the time in, what may be
done to it (and why not) out. The services in scheduling.day_actions apply them under a
row lock; the calendar and the appointment page offer only what these allow.

A course or maintenance session is completed by recording it (sessions.recording); only
a consultation, which has no session record, is marked done by hand.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from mesoplan.date_display import practice_date


class DayAction(StrEnum):
    CHECK_IN = "check_in"
    UNDO_CHECK_IN = "undo_check_in"
    NO_SHOW = "no_show"
    UNDO_NO_SHOW = "undo_no_show"
    DONE = "done"


LABELS = {
    DayAction.CHECK_IN: "Check in",
    DayAction.UNDO_CHECK_IN: "Undo check-in",
    DayAction.NO_SHOW: "Mark as no-show",
    DayAction.UNDO_NO_SHOW: "Undo no-show",
    DayAction.DONE: "Mark the consultation done",
}


@dataclass(frozen=True)
class Visit:
    """What the rules read of an appointment."""

    kind: str  # course | maintenance | consultation
    status: str  # scheduled | completed | cancelled | no_show
    starts_at: datetime
    arrived: bool
    later_session_recorded: bool = False  # a later session of its course is completed


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def refusal(action: DayAction, visit: Visit, now: datetime, zone: ZoneInfo) -> str | None:
    """Why `action` cannot be done to the visit now; None when it can.

    >>> from datetime import timedelta, timezone as tz
    >>> utc, at = ZoneInfo("UTC"), datetime(2026, 12, 2, 10, tzinfo=tz.utc)
    >>> v = Visit("course", "scheduled", at, arrived=False)
    >>> refusal(DayAction.CHECK_IN, v, at - timedelta(hours=2), utc) is None
    True
    >>> refusal(DayAction.CHECK_IN, v, at - timedelta(days=1), utc)
    'A patient checks in on the day of the appointment (02 Dec 2026).'
    >>> refusal(DayAction.NO_SHOW, v, at - timedelta(minutes=1), utc)
    'A no-show can be marked once the appointment has begun (10:00).'
    """
    day = _local_day(visit.starts_at, zone)
    if action is DayAction.UNDO_NO_SHOW:
        if visit.status != "no_show":
            return "Only a no-show can be undone."
        if visit.later_session_recorded:
            return "A later session of the course is recorded: this no-show stays."
        return None
    if visit.status != "scheduled":
        return f"The appointment is {visit.status.replace('_', '-')}."
    if action is DayAction.CHECK_IN:
        if visit.arrived:
            return "The patient has already checked in."
        if _local_day(now, zone) != day:
            return f"A patient checks in on the day of the appointment ({practice_date(day)})."
        return None
    if action is DayAction.UNDO_CHECK_IN:
        return None if visit.arrived else "The patient has not checked in."
    if action is DayAction.NO_SHOW:
        if visit.arrived:
            return "The patient has checked in: undo the check-in first."
        if now < visit.starts_at:
            start = visit.starts_at.astimezone(zone)
            return f"A no-show can be marked once the appointment has begun ({start:%H:%M})."
        return None
    # DONE
    if visit.kind != "consultation":
        return "A treatment session is completed by recording it."
    if now < visit.starts_at:
        return "A consultation can be marked done once it has begun."
    return None


def allowed(visit: Visit, now: datetime, zone: ZoneInfo) -> list[DayAction]:
    """The actions the page offers for the visit, in the order it shows them."""
    return [action for action in DayAction if refusal(action, visit, now, zone) is None]
