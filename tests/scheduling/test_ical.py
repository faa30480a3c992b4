"""The clinician's calendar feed: one VEVENT per appointment, a stable UID, no patient
names, moves and cancellations visible to subscribers."""

import pytest
import time_machine
from icalendar import Calendar

from tests.scheduling.test_appointments_api import move
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db


def events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


def test_each_appointment_is_an_event_with_a_stable_uid_and_no_patient_name(
    api_a, client, clinician_a, ready_patient
):
    course = book(api_a, ready_patient, clinician_a).json()
    with time_machine.travel(NOW, tick=False):
        body = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/calendar.ics").content
        feed_url = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/").json()["feed_url"]
        feed = client.get(feed_url).content  # no credentials: the private URL
    found = events(body)
    assert len(found) == 8 and len(events(feed)) == 8
    ids = [a["id"] for a in course["appointments"]]
    assert [str(e["uid"]) for e in found] == [f"{i}@mesoplan" for i in ids]
    assert str(found[2]["summary"]) == "MesoLift course: session 3 of 8"
    for text in (body.decode(), feed.decode()):
        assert ready_patient.last_name not in text and ready_patient.first_name not in text


def test_a_move_keeps_the_uid_and_a_cancellation_says_so(api_a, clinician_a, ready_patient):
    course = book(api_a, ready_patient, clinician_a).json()
    second = course["appointments"][1]
    assert move(api_a, second["id"], "2026-09-15T11:00:00+02:00").status_code == 200
    with time_machine.travel(NOW, tick=False):
        api_a.post(f"/api/v1/appointments/{course['appointments'][0]['id']}/cancel/")
        body = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/calendar.ics").content
    by_uid = {str(e["uid"]): e for e in events(body)}
    moved = by_uid[f"{second['id']}@mesoplan"]
    assert moved.decoded("dtstart").isoformat() == "2026-09-15T09:00:00+00:00"
    assert str(by_uid[f"{course['appointments'][0]['id']}@mesoplan"]["status"]) == "CANCELLED"


def test_a_line_break_in_a_staff_name_is_escaped_in_both_feeds(api_a, client, clinician_a):
    """Issue 16.B.1: a staff name with a line break made both feeds a 500; the name is
    TEXT as RFC 5545 writes it, and a calendar app reads it back whole."""
    clinician_a.first_name = "Lena\r\nBEGIN:VEVENT"
    clinician_a.last_name = "Roth, Dr.; MD"
    clinician_a.save(update_fields=["first_name", "last_name"])
    ics = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/calendar.ics")
    feed = client.get(api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/").json()["feed_url"])
    for response in (ics, feed):
        assert response.status_code == 200
        lines = response.content.decode().split("\r\n")
        assert "X-WR-CALNAME:MesoPlan: Lena\\nBEGIN:VEVENT Roth\\, Dr.\\; MD" in lines
        assert "BEGIN:VEVENT" not in lines  # the name is text: no event smuggled in
        assert events(response.content) == []
