"""iCalendar (RFC 5545) rendering of a clinician's appointments, for the API's
`calendar.ics` and the private subscription feed alike (what is in them:
scheduling.feed_contents).

No patient names, no clinical detail: the feed URL works without credentials. Each
appointment is one VEVENT whose UID is built from the appointment's id and whose
SEQUENCE rises with each of its changes, so a calendar app updates the event when it
moves and marks it when it is cancelled (STATUS:CANCELLED) instead of keeping a copy.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vDuration, vText

from .models import Appointment, AppointmentKind, AppointmentStatus

# How often a subscriber should fetch again (RFC 7986 REFRESH-INTERVAL; Outlook and
# older Google read X-PUBLISHED-TTL): a fetch that finds nothing new is a 304.
REFRESH = timedelta(minutes=15)
STATUS = {
    AppointmentStatus.SCHEDULED: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CONFIRMED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def appointment_title(appointment: Appointment) -> str:
    """What the event says: the kind and, for a course, the protocol and session number.

    >>> from scheduling.models import Appointment
    >>> appointment_title(Appointment(kind="consultation"))
    'Consultation'
    """
    course = appointment.course if appointment.course_id else None
    if appointment.kind == AppointmentKind.COURSE and course is not None:
        protocol = course.protocol.name
        total = course.protocol.session_count
        return f"{protocol}: session {appointment.sequence} of {total}"
    return AppointmentKind(appointment.kind).label


def _utc(moment: datetime) -> datetime:
    """As UTC, so icalendar writes it as a UTC time (`...Z`) with no VTIMEZONE needed."""
    return moment.astimezone(UTC)


def appointment_event(appointment: Appointment) -> Event:
    """The appointment's VEVENT. SEQUENCE is the database's version less one (0 for an
    appointment never changed), DTSTAMP and LAST-MODIFIED its last change (a published
    feed's DTSTAMP is when the event's information was last revised, RFC 5545 3.8.7.2)."""
    event = Event()
    event.add("uid", f"{appointment.pk}@mesoplan")
    event.add("sequence", appointment.version - 1)
    event.add("dtstamp", _utc(appointment.updated_at))
    event.add("last-modified", _utc(appointment.updated_at))
    event.add("dtstart", _utc(appointment.starts_at))
    event.add("dtend", _utc(appointment.ends_at))
    event.add("summary", appointment_title(appointment))
    event.add("status", STATUS[AppointmentStatus(appointment.status)])
    return event


def clinician_calendar(clinician, appointments: Iterable[Appointment]) -> bytes:
    return render_calendar(
        f"MesoPlan: {clinician.display_name}", (appointment_event(a) for a in appointments)
    )


def render_calendar(name: str, events: Iterable[Event]) -> bytes:
    r"""A VCALENDAR with one VEVENT per item of `events`. The name is TEXT as RFC 5545
    writes it (line breaks, commas and semicolons escaped): icalendar leaves an X-
    property's value raw, and a staff name with a line break made the feed a 500.

    >>> b"X-WR-CALNAME:Lena\\nEvil\\, Inc." in render_calendar("Lena\nEvil, Inc.", [])
    True
    >>> b"REFRESH-INTERVAL;VALUE=DURATION:PT15M" in render_calendar("Lena", [])
    True
    """
    cal = Calendar()
    cal.add("prodid", "-//MesoPlan//Clinician calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", vText(name))
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
