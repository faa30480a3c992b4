"""Issue 15.3: an open adverse event reaches the next treatment. It shows on the
patient's appointments, the session form, the calendar and the clinician's home until a
follow-up says the patient recovered; a lot linked to it is never pre-selected and is
used only when the clinician confirms it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions import adverse_events, recording
from sessions.models import SessionRecord
from tests.sessions.recording_support import a_pass, a_past_moment, booked_course, fine_check, lot
from tests.sessions.test_session_pages import form_data, session_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinician_a):
    lot(clinician_a.practice, clinician_a, "L-100")
    lot(clinician_a.practice, clinician_a, "L-200")
    return booked_course(clinician_a)


@pytest.fixture
def event(clinician_a, course):
    first = recording.record_session(
        actor=clinician_a,
        appointment=course.appointments.get(sequence=1),
        answers=fine_check(),
        passes=[a_pass("nappage", "neck", lot_number="L-100")],
        performed_at=a_past_moment(),
    )
    return adverse_events.record_adverse_event(
        actor=clinician_a,
        session_record=first,
        type="nodule",
        severity="moderate",
        onset_at=first.performed_at + timedelta(days=1),
        outcome="not_recovered",
    )


def second(course):
    return course.appointments.get(sequence=2)


def test_the_appointment_and_the_form_show_the_open_event(browser_a, course, event):
    page = browser_a.get(reverse("calendar:appointment", args=[second(course).pk])).content
    assert b"Open adverse event: follow up before treating." in page
    assert b"Nodule (moderate)" in page and b"now not recovered" in page
    form = browser_a.get(session_url(second(course))).content.decode()
    assert "Open adverse event: follow up before treating." in form


def test_a_recovered_event_no_longer_shows(browser_a, clinician_a, course, event):
    adverse_events.follow_up_adverse_event(actor=clinician_a, event=event, outcome="recovered")
    page = browser_a.get(reverse("calendar:appointment", args=[second(course).pk])).content
    assert b"Open adverse event" not in page
    assert b'awaiting follow-up <span class="count">0</span>' in browser_a.get("/").content


def test_the_clinician_home_lists_open_events_oldest_first(browser_a, clinician_a, course, event):
    home = browser_a.get("/").content.decode()
    section = home.split('id="events-title"')[1].split("</section>")[0]
    assert '<span class="count count--warn">1</span>' in section
    assert course.patient.full_name in section and "not recovered" in section
    assert session_url(event.session_record.appointment) + "#adverse-events" in section


def test_the_calendar_marks_the_patients_appointments(browser_a, course, event):
    day = timezone.localtime(second(course).starts_at).date()
    page = browser_a.get(reverse("calendar:day") + f"?date={day:%Y-%m-%d}").content.decode()
    assert "appt--event" in page and "Open adverse event: </span>" in page


def test_a_linked_lot_is_never_preselected(browser_a, course, event):
    form = browser_a.get(session_url(second(course))).content.decode()
    neck = form.split('name="neck__lot"')[1].split("</select>")[0]
    assert '<option value="L-100">' in neck  # offered, not selected
    assert '<option value="L-200" selected>' in neck
    assert "⚠ linked to the nodule of" in neck
    assert "Suspect lot:" in form


def test_picking_a_linked_lot_asks_for_confirmation(browser_a, course, event):
    data = form_data(regions=("neck",)) | {"neck__lot": "L-100"}
    refused = browser_a.post(session_url(second(course)), data)
    assert refused.status_code == 400
    assert "Lot L-100 is linked to the nodule of" in refused.content.decode()
    assert not SessionRecord.objects.filter(appointment=second(course)).exists()
    accepted = browser_a.post(session_url(second(course)), data | {"use_linked_lots": "on"})
    assert accepted.status_code == 302
    assert SessionRecord.objects.get(appointment=second(course)).passes.first().lot.lot_number == (
        "L-100"
    )


def test_without_suspect_lots_there_is_nothing_to_confirm(browser_a, course):
    form = browser_a.get(session_url(course.appointments.get(sequence=1))).content.decode()
    assert "use_linked_lots" not in form and "Suspect lot" not in form
