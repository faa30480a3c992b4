"""The clinician's day, first on their home page: today's appointments in order, who is
next, and what each needs before it starts (the pre-session check, herpes prophylaxis,
an open adverse event to follow up, a survey due); tomorrow's below.

`needs_of` and `next_of` are the rules (pure); `agenda_for` reads the day in a fixed
number of queries, whatever the number of appointments.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from mesoplan.clock import practice_zone
from outcomes.selectors import patients_with_survey_due
from patients.selectors import herpes_prone_patients
from scheduling.models import AppointmentKind, AppointmentStatus
from scheduling.selectors import appointments_for
from sessions.open_events import patients_with_open_events

TREATMENTS = (AppointmentKind.COURSE, AppointmentKind.MAINTENANCE)


@dataclass(frozen=True)
class Need:
    text: str
    tone: str  # a badge colour: excluded (red) | caution (amber) | neutral


@dataclass(frozen=True)
class AgendaItem:
    appointment: Any  # scheduling.models.Appointment, with its patient and course
    start: datetime  # local
    end: datetime
    needs: tuple[Need, ...]
    is_next: bool = False


@dataclass(frozen=True)
class Agenda:
    day: date
    items: tuple[AgendaItem, ...]

    @property
    def next(self) -> AgendaItem | None:
        return next((item for item in self.items if item.is_next), None)


def needs_of(
    *,
    kind: str,
    status: str,
    is_last_session: bool,
    herpes_prone: bool,
    open_event: bool,
    survey_due: bool,
) -> tuple[Need, ...]:
    """What a planned appointment needs before or at it, most urgent first; nothing for
    one that happened or was let go.

    >>> [n.text for n in needs_of(kind="course", status="scheduled", is_last_session=True,
    ...     herpes_prone=True, open_event=True, survey_due=False)]
    ['Open adverse event: follow up first', 'Pre-session check', 'Herpes prophylaxis', \
'Survey after this last session']
    >>> needs_of(kind="consultation", status="scheduled", is_last_session=False,
    ...     herpes_prone=True, open_event=False, survey_due=False)
    ()
    >>> needs_of(kind="course", status="completed", is_last_session=False,
    ...     herpes_prone=True, open_event=True, survey_due=True)
    ()
    """
    if status != AppointmentStatus.SCHEDULED:
        return ()
    needs: list[Need] = []
    if open_event:
        needs.append(Need("Open adverse event: follow up first", "excluded"))
    if kind in TREATMENTS:
        needs.append(Need("Pre-session check", "neutral"))
        if herpes_prone:
            needs.append(Need("Herpes prophylaxis", "caution"))
    if is_last_session:
        needs.append(Need("Survey after this last session", "neutral"))
    elif survey_due:
        needs.append(Need("Survey of the last course due", "neutral"))
    return tuple(needs)


def next_of(items: Sequence[AgendaItem], now: datetime) -> int | None:
    """The index of who is next: the first planned appointment not yet over (one under
    way counts), or None.

    >>> from types import SimpleNamespace as A
    >>> from datetime import UTC
    >>> at = lambda h: datetime(2026, 3, 2, h, tzinfo=UTC)
    >>> day = [AgendaItem(A(status="completed"), at(9), at(10), ()),
    ...        AgendaItem(A(status="scheduled"), at(10), at(11), ()),
    ...        AgendaItem(A(status="scheduled"), at(12), at(13), ())]
    >>> next_of(day, at(10) + timedelta(minutes=30)), next_of(day, at(11)), next_of(day, at(14))
    (1, 2, None)
    """
    for index, item in enumerate(items):
        if item.appointment.status == AppointmentStatus.SCHEDULED and item.end > now:
            return index
    return None


def agenda_for(actor, clinician, days: Sequence[date], now: datetime) -> list[Agenda]:
    """The clinician's appointments on each of `days` (local dates of the practice), in
    time order, cancelled ones left out, each with what it needs; the next one marked on
    today's. Five queries for any number of appointments."""
    zone = practice_zone(clinician.practice)
    first = datetime.combine(min(days), time.min, tzinfo=zone)
    last = datetime.combine(max(days) + timedelta(days=1), time.min, tzinfo=zone)
    appointments = list(
        appointments_for(actor)
        .filter(clinician=clinician, starts_at__gte=first, starts_at__lt=last)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("course__protocol")
        .order_by("starts_at", "pk")
    )
    patients = {a.patient_id for a in appointments}
    herpes = herpes_prone_patients(actor, patients)
    events = patients_with_open_events(actor, patients)
    surveys = patients_with_survey_due(actor, patients)
    today = now.astimezone(zone).date()
    agendas = []
    for day in days:
        items = []
        for a in appointments:
            start = a.starts_at.astimezone(zone)
            if start.date() != day:
                continue
            course = a.course
            is_last = bool(
                a.kind == AppointmentKind.COURSE
                and course is not None
                and a.sequence == course.protocol.session_count
            )
            items.append(
                AgendaItem(
                    appointment=a,
                    start=start,
                    end=a.ends_at.astimezone(zone),
                    needs=needs_of(
                        kind=a.kind,
                        status=a.status,
                        is_last_session=is_last,
                        herpes_prone=a.patient_id in herpes,
                        open_event=a.patient_id in events,
                        survey_due=a.patient_id in surveys,
                    ),
                )
            )
        if day == today:
            index = next_of(items, now)
            if index is not None:
                current = items[index]
                items[index] = AgendaItem(
                    current.appointment, current.start, current.end, current.needs, True
                )
        agendas.append(Agenda(day, tuple(items)))
    return agendas
