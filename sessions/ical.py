"""iCalendar (RFC 5545) rendering of a clinician's appointments."""

from collections.abc import Iterable

from icalendar import Calendar


def clinician_calendar(clinician) -> bytes:
    """The clinician's appointments as a calendar, for the API and the private feed alike.
    No patient names: the feed URL works without credentials."""
    return render_calendar(f"MesoPlan: {clinician.display_name}", [])


def render_calendar(name: str, events: Iterable) -> bytes:
    """A VCALENDAR with one VEVENT per item of `events` (icalendar.Event objects).

    Appointments arrive with the calendar issue; the feed is valid (and subscribed to)
    from day one.
    """
    cal = Calendar()
    cal.add("prodid", "-//MesoPlan//Clinician calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
