"""Helpers of the calendar feeds' tests: appointments made and changed at a set time (so
their updated_at is what the test says), and the feed read back with icalendar."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import time_machine
from icalendar import Calendar

from scheduling.models import Appointment, AppointmentStatus

# A Tuesday morning; the feed's window is taken from its UTC day.
NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


@contextmanager
def at(moment: datetime):
    with time_machine.travel(moment, tick=False):
        yield


def appointment(clinician, patient, starts_at: datetime, minutes: int = 30, *, made=NOW):
    """A consultation made at `made` (its updated_at), no booking rule applied."""
    with at(made):
        return Appointment.objects.create(
            practice=clinician.practice,
            patient=patient,
            clinician=clinician,
            kind="consultation",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
        )


def move(row: Appointment, by: timedelta, *, when: datetime) -> Appointment:
    with at(when):
        row.starts_at += by
        row.ends_at += by
        row.save()
    return row


def cancel(row: Appointment, *, when: datetime) -> Appointment:
    with at(when):
        row.status = AppointmentStatus.CANCELLED
        row.save()
    return row


def ics_url(clinician) -> str:
    return f"/api/v1/clinicians/{clinician.pk}/calendar.ics"


def calendar(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def events(body: bytes) -> dict:
    """The feed's VEVENTs by the appointment id in their UID."""
    found = [c for c in calendar(body).walk() if c.name == "VEVENT"]
    by_id = {str(e["uid"]).removesuffix("@mesoplan"): e for e in found}
    assert len(by_id) == len(found), "a UID twice"
    return by_id
