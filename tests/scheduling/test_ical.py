"""The clinician's calendar feed: one VEVENT per appointment, a stable UID, no patient
names, moves and cancellations visible to subscribers: SEQUENCE rises with each change,
times are UTC, and the calendar tells subscribers how often to look again."""

from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar

from tests.scheduling import feed_support as feed
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
    cancelled = by_uid[f"{course['appointments'][0]['id']}@mesoplan"]
    assert str(cancelled["status"]) == "CANCELLED"
    # Each was changed once (sessions 3 to 8 moved with session 2): a subscriber that
    # has SEQUENCE 0 takes the new version.
    assert {e.decoded("sequence") for e in by_uid.values()} == {1}


def test_sequence_is_0_for_a_new_appointment_and_rises_with_each_move_and_the_cancel(
    api_a, clinician_a, ready_patient
):
    row = feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=7))
    other = feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=8))
    seen = []
    for step, change in enumerate(
        (
            lambda when: feed.move(row, timedelta(hours=1), when=when),
            lambda when: feed.move(row, timedelta(days=1), when=when),
            lambda when: feed.cancel(row, when=when),
        )
    ):
        with feed.at(feed.NOW + timedelta(minutes=step)):
            seen.append(feed.events(api_a.get(feed.ics_url(clinician_a)).content))
        change(feed.NOW + timedelta(minutes=step, seconds=30))
    with feed.at(feed.NOW + timedelta(minutes=10)):
        seen.append(feed.events(api_a.get(feed.ics_url(clinician_a)).content))
    assert [e[str(row.pk)].decoded("sequence") for e in seen] == [0, 1, 2, 3]
    assert [str(e[str(row.pk)]["status"]) for e in seen][-2:] == ["CONFIRMED", "CANCELLED"]
    assert {e[str(other.pk)].decoded("sequence") for e in seen} == {0}  # untouched


def test_times_are_utc_stamped_with_the_last_change_and_a_refresh_is_hinted(
    api_a, clinician_a, ready_patient
):
    """Times as UTC (`...Z`), whatever the practice's zone; DTSTAMP and LAST-MODIFIED
    the appointment's last change; REFRESH-INTERVAL and X-PUBLISHED-TTL 15 minutes."""
    made = feed.NOW.replace(microsecond=654321)
    row = feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=2), made=made)
    with feed.at(feed.NOW + timedelta(hours=1)):
        body = api_a.get(feed.ics_url(clinician_a)).content
    lines = body.decode().split("\r\n")
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT15M" in lines
    assert "X-PUBLISHED-TTL:PT15M" in lines
    assert "DTSTART:20260903T080000Z" in lines and "DTEND:20260903T083000Z" in lines
    assert "DTSTAMP:20260901T080000Z" in lines and "LAST-MODIFIED:20260901T080000Z" in lines
    cal = feed.calendar(body)
    assert cal.decoded("refresh-interval") == timedelta(minutes=15)
    event = feed.events(body)[str(row.pk)]
    assert event.decoded("dtstart") == row.starts_at and event.decoded("sequence") == 0
    assert str(event.decoded("dtstart").tzinfo) == "UTC"


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
