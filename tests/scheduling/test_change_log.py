"""The change log is kept by the database (scheduling.change_triggers): every way of
writing an appointment, through a service, the ORM, a queryset, bulk writes or raw SQL,
leaves its change row and raises the version; and the triggers are there after every
migration (SQLite rebuilds a table to alter it, and its triggers go with the old one)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection

from mesoplan.errors import Conflict
from scheduling import day_actions, rescheduling
from scheduling.attendance import DayAction
from scheduling.models import Appointment, AppointmentChange, Course
from tests.factories import PatientFactory
from tests.scheduling.sync_support import appointment_at
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db


def _log(appointment_id) -> list[tuple[str, int]]:
    return list(
        AppointmentChange.objects.filter(appointment_id=appointment_id)
        .order_by("id")
        .values_list("operation", "version")
    )


def test_the_triggers_are_installed(db):
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE tgrelid = 'scheduling_appointment'::regclass"
        expected = {"appointment_version", "appointment_change"}
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'scheduling_appointment'"
        expected = {f"appointment_change_{n}" for n in ("insert", "update", "none", "delete")}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = {row[0] for row in cursor.fetchall()}
    assert expected <= names


@pytest.fixture
def appointment(clinician_a):
    return appointment_at(clinician_a, PatientFactory(practice=clinician_a.practice), 0)


def test_every_orm_path_is_logged(appointment, clinician_a):
    pk = appointment.pk
    appointment.starts_at -= timedelta(minutes=5)
    appointment.save()  # save
    Appointment.objects.filter(pk=pk).update(ends_at=appointment.ends_at + timedelta(minutes=5))
    row = Appointment.objects.get(pk=pk)
    row.kind = "maintenance"
    Appointment.objects.bulk_update([row], ["kind"])
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE scheduling_appointment SET status = 'cancelled' WHERE id = %s",
            [pk.hex if connection.vendor == "sqlite" else pk],
        )
    (other,) = Appointment.objects.bulk_create(
        [
            Appointment(
                practice=clinician_a.practice,
                patient=appointment.patient,
                clinician=clinician_a,
                kind="consultation",
                starts_at=appointment.starts_at + timedelta(hours=3),
                ends_at=appointment.starts_at + timedelta(hours=4),
            )
        ]
    )
    Appointment.objects.filter(pk=pk).delete()
    assert _log(pk) == [
        ("created", 1),
        ("updated", 2),
        ("updated", 3),
        ("updated", 4),
        ("cancelled", 5),
        ("deleted", 6),
    ]
    assert _log(other.pk) == [("created", 1)]
    assert set(AppointmentChange.objects.values_list("practice_id", flat=True)) == {
        clinician_a.practice_id
    }


def test_the_services_write_through_it(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201, response.content
    course = Course.objects.get(pk=response.json()["id"])
    first, second, *later = course.appointments.order_by("sequence")
    assert all(_log(a.pk) == [("created", 1)] for a in (first, second, *later))
    with time_machine.travel(first.starts_at + timedelta(minutes=1), tick=False):
        day_actions.perform(actor=clinician_a, appointment=first, action=DayAction.CHECK_IN)
    with time_machine.travel(NOW, tick=False):
        rescheduling.cancel(actor=clinician_a, appointment=second, reason="patient_request")
        with pytest.raises(Conflict) as refused:  # the patient is here: not a planned one
            rescheduling.end_course(actor=clinician_a, course=course, reason="moving away")
        assert refused.value.code == "checked_in"
        day_actions.perform(actor=clinician_a, appointment=first, action=DayAction.UNDO_CHECK_IN)
        rescheduling.end_course(actor=clinician_a, course=course, reason="moving away")
    assert _log(first.pk) == [("created", 1), ("updated", 2), ("updated", 3), ("cancelled", 4)]
    assert _log(second.pk) == [("created", 1), ("cancelled", 2)]
    # Ending the course cancels its planned sessions in one queryset update.
    assert all(_log(a.pk)[-1] == ("cancelled", 2) for a in later)
