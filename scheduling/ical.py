"""iCalendar (RFC 5545) rendering of a clinician's appointments, for the API's
`calendar.ics` and the private subscription feed alike.

No patient names, no clinical detail: the feed URL works without credentials. Each
appointment is one VEVENT whose UID is built from the appointment's id, so a calendar
app updates the event when it moves and drops it when it is cancelled (STATUS:CANCELLED).
"""

from collections.abc import Iterable
from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar, Event, vText

from .models import LONGEST_APPOINTMENT, Appointment, AppointmentKind, AppointmentStatus

# Past appointments a subscriber still sees (calendar apps keep their own history).
PAST_DAYS = 90
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


def appointment_event(appointment: Appointment) -> Event:
    event = Event()
    event.add("uid", f"{appointment.pk}@mesoplan")
    event.add("dtstamp", appointment.updated_at)
    event.add("last-modified", appointment.updated_at)
    event.add("dtstart", appointment.starts_at)
    event.add("dtend", appointment.ends_at)
    event.add("summary", appointment_title(appointment))
    event.add("status", STATUS[AppointmentStatus(appointment.status)])
    return event


def clinician_calendar(clinician) -> bytes:
    """The clinician's appointments from PAST_DAYS ago on. Two queries."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    appointments = (
        Appointment.objects.filter(
            clinician=clinician, ends_at__gte=since, starts_at__gte=since - LONGEST_APPOINTMENT
        )
        .select_related("course__protocol")
        .order_by("starts_at", "pk")
    )
    return render_calendar(
        f"MesoPlan: {clinician.display_name}", (appointment_event(a) for a in appointments)
    )


def render_calendar(name: str, events: Iterable[Event]) -> bytes:
    r"""A VCALENDAR with one VEVENT per item of `events`. The name is TEXT as RFC 5545
    writes it (line breaks, commas and semicolons escaped): icalendar leaves an X-
    property's value raw, and a staff name with a line break made the feed a 500.

    >>> b"X-WR-CALNAME:Lena\\nEvil\\, Inc." in render_calendar("Lena\nEvil, Inc.", [])
    True
    """
    cal = Calendar()
    cal.add("prodid", "-//MesoPlan//Clinician calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", vText(name))
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
