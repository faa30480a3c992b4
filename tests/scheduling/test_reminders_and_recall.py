"""Reminders sent exactly once (overlapping beat runs, retries), and the recall list of
patients due for maintenance after a course."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from scheduling import reminders
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus, RecallEntry
from scheduling.recall import maintenance_window, recall_due, update_recall_lists
from scheduling.tasks import send_due_reminders
from scheduling.tasks import update_recall_lists as recall_task
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    return book(api_a, ready_patient, clinician_a).json()


def test_a_reminder_goes_out_once_however_often_beat_runs(course, settings, ready_patient):
    settings.REMINDER_LEAD_HOURS = 24
    first = datetime.fromisoformat(course["appointments"][0]["starts_at"])
    with time_machine.travel(first - timedelta(hours=20), tick=False):
        assert send_due_reminders() == 1
        assert send_due_reminders() == 0  # an overlapping or later run finds it sent
        reminders.send_reminder(course["appointments"][0]["id"])  # a retry of the task
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [ready_patient.email]
    assert "07 Sep 2026 at 10:00" in message.subject  # the practice's local time
    assert "MesoLift course: session 1 of 8" in message.body


def test_nothing_is_sent_too_early_or_for_a_cancelled_appointment(api_a, course, settings):
    settings.REMINDER_LEAD_HOURS = 24
    first = datetime.fromisoformat(course["appointments"][0]["starts_at"])
    with time_machine.travel(first - timedelta(hours=30), tick=False):
        assert send_due_reminders() == 0
    Appointment.objects.filter(pk=course["appointments"][0]["id"]).update(
        status=AppointmentStatus.CANCELLED
    )
    with time_machine.travel(first - timedelta(hours=2), tick=False):
        assert send_due_reminders() == 0
    assert mail.outbox == []


def test_a_failed_send_is_not_marked_so_the_retry_sends_it(course, monkeypatch):
    calls = []

    def broken_send(self, fail_silently=False):
        calls.append(1)
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken_send)
    appointment_id = course["appointments"][0]["id"]
    with pytest.raises(OSError):
        reminders.send_reminder(appointment_id)
    assert Appointment.objects.get(pk=appointment_id).reminder_sent_at is None
    monkeypatch.undo()
    assert reminders.send_reminder(appointment_id) is True
    assert len(mail.outbox) == 1 and calls == [1]


def test_the_maintenance_window_is_three_to_six_months_after_the_last_session():
    assert maintenance_window(date(2027, 1, 28), 3, 6) == (date(2027, 4, 28), date(2027, 7, 28))
    assert maintenance_window(date(2026, 8, 31), 3, 6) == (date(2026, 11, 30), date(2027, 2, 28))


def test_the_recall_list_after_a_course(api_a, clinician_a, course, ready_patient):
    last = datetime.fromisoformat(course["appointments"][-1]["starts_at"])
    with time_machine.travel(last - timedelta(days=1), tick=False):
        assert recall_task()["added"] == 0  # the last session is still to come
    with time_machine.travel(last + timedelta(days=1), tick=False):
        assert recall_task() == {"added": 1, "resolved": 0}
        assert recall_task() == {"added": 0, "resolved": 0}  # safe to run twice
    entry = RecallEntry.objects.get()
    assert (entry.due_from, entry.due_until) == (date(2027, 4, 28), date(2027, 7, 28))
    assert list(recall_due(clinician_a, date(2027, 4, 1))) == []
    assert [e.patient for e in recall_due(clinician_a, date(2027, 5, 1))] == [ready_patient]
    # Booking the maintenance session takes the patient off the list.
    with time_machine.travel(datetime(2027, 4, 20, 8, tzinfo=UTC), tick=False):
        response = api_a.post(
            "/api/v1/appointments/",
            {
                "patient": str(ready_patient.pk),
                "clinician": str(clinician_a.pk),
                "kind": AppointmentKind.MAINTENANCE,
                "starts_at": "2027-05-03T09:00:00+02:00",
                "ends_at": "2027-05-03T09:45:00+02:00",
            },
            format="json",
        )
        assert response.status_code == 201
        assert update_recall_lists(datetime(2027, 4, 20, 8, tzinfo=UTC))["resolved"] == 1
    assert list(recall_due(clinician_a, date(2027, 5, 1))) == []


def test_another_practice_never_sees_the_recall(clinician_b, course, api_a):
    last = datetime.fromisoformat(course["appointments"][-1]["starts_at"])
    with time_machine.travel(last + timedelta(days=1), tick=False):
        recall_task()
    assert list(recall_due(clinician_b, date(2028, 1, 1))) == []


def test_now_is_the_booking_fixture_time():
    assert NOW.year == 2026


def test_the_recall_page_lists_patients_due_and_guards_its_queries(
    client, clinician_a, clinician_b, course, ready_patient, django_assert_max_num_queries
):
    last = datetime.fromisoformat(course["appointments"][-1]["starts_at"])
    with time_machine.travel(last + timedelta(days=1), tick=False):
        recall_task()
    with time_machine.travel(datetime(2027, 5, 2, 9, tzinfo=UTC), tick=False):
        client.force_login(clinician_a)  # signed in now: the idle time-out counts from here
        with django_assert_max_num_queries(8):
            page = client.get("/calendar/recall/")
        client.force_login(clinician_b)
        other = client.get("/calendar/recall/")
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{ready_patient.last_name}, {ready_patient.first_name}" in text
    assert "28 Apr 2027 \u2013 28 Jul 2027" in text  # an en dash
    assert other.status_code == 200
    assert ready_patient.last_name not in other.content.decode()
