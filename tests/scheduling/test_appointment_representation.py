"""The API's appointment is written without DRF's per-field machinery (issue 16: a page
of 50 cost twenty times its SQL): exactly what DRF's own ModelSerializer writes, in any
zone, with and without a course."""

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from scheduling.api.serializers import AppointmentSerializer
from scheduling.models import Appointment
from tests.factories import PatientFactory
from tests.scheduling.test_no_double_booking import SLOT, _book
from tests.sessions.recording_support import booked_course

pytestmark = pytest.mark.django_db


class PlainAppointmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appointment
        fields = AppointmentSerializer.Meta.fields


def as_json(data) -> object:
    return json.loads(JSONRenderer().render(data))


@pytest.mark.parametrize("zone", [UTC, ZoneInfo("Europe/Berlin"), ZoneInfo("America/St_Johns")])
def test_the_representation_is_drfs_own(clinician_a, zone):
    booked_course(clinician_a)
    _book(clinician_a, PatientFactory(practice=clinician_a.practice), SLOT + timedelta(days=3))
    Appointment.objects.filter(sequence=2).update(
        updated_at=datetime(2026, 10, 25, 0, 30, 15, 123456, tzinfo=UTC)  # the autumn change
    )
    Appointment.objects.filter(sequence=1).update(arrived_at=SLOT - timedelta(minutes=3))
    Appointment.objects.filter(sequence=3).update(
        status="cancelled", cancellation_reason="other", cancellation_note="Moved away"
    )
    rows = list(Appointment.objects.order_by("starts_at"))
    assert {a.course_id is None for a in rows} == {True, False}
    with timezone.override(zone):
        fast = as_json(AppointmentSerializer(rows, many=True).data)
        plain = as_json(PlainAppointmentSerializer(rows, many=True).data)
    assert fast == plain
    assert all(list(row) == AppointmentSerializer.Meta.fields for row in fast)


def test_the_list_reads_the_rows_alone(api_a, clinician_a, django_assert_max_num_queries):
    booked_course(clinician_a)
    with django_assert_max_num_queries(3) as captured:  # token, practice, the page
        body = api_a.get("/api/v1/appointments/?page_size=50").json()
    assert len(body["results"]) == 8
    page = captured.captured_queries[-1]["sql"]
    assert "patients_patient" not in page and "mesoplan_user" not in page
