"""The recall resolves when a maintenance session is booked after the course's last
session, compared as instants: in UTC+14 a later session on the same local day has an
earlier UTC date."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scheduling.models import Appointment, AppointmentKind, RecallEntry
from scheduling.recall import update_recall_lists
from tests.scheduling.test_course_booking import book

pytestmark = pytest.mark.django_db
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")


def maintenance(patient, clinician, local_start):
    start = local_start.replace(tzinfo=KIRITIMATI)
    return Appointment.objects.create(
        practice=patient.practice,
        patient=patient,
        clinician=clinician,
        kind=AppointmentKind.MAINTENANCE,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
    )


@pytest.fixture
def finished(api_a, clinician_a, ready_patient, practice_a):
    practice_a.time_zone = "Pacific/Kiritimati"
    practice_a.save(update_fields=["time_zone"])
    with time_machine.travel(datetime(2026, 9, 1, tzinfo=UTC), tick=False):
        response = book(api_a, ready_patient, clinician_a, start="2026-09-07T09:00:00+14:00")
    assert response.status_code == 201, response.content
    with time_machine.travel(datetime(2027, 1, 29, tzinfo=UTC), tick=False):
        assert update_recall_lists(datetime(2027, 1, 29, tzinfo=UTC))["added"] == 1
    return RecallEntry.objects.get()


def test_a_maintenance_later_the_same_local_day_resolves(finished, clinician_a, ready_patient):
    assert str(finished.last_session_on) == "2027-01-28"
    maintenance(ready_patient, clinician_a, datetime(2027, 1, 28, 15))  # 01:00 UTC, the 28th
    assert update_recall_lists(datetime(2027, 1, 29, tzinfo=UTC))["resolved"] == 1


def test_a_maintenance_before_the_last_session_does_not(finished, clinician_a, ready_patient):
    maintenance(ready_patient, clinician_a, datetime(2027, 1, 20, 15))
    assert update_recall_lists(datetime(2027, 1, 29, tzinfo=UTC))["resolved"] == 0
