"""A session performed earlier than planned moves to when it happened (issue 15.9, the
survivors of mutation testing): its own planned slot is not in its way, the clinician's
and the patient's other appointments are (409 naming which), a cancelled one is not, and
the audit entry keeps both times in the practice's zone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mesoplan.errors import Conflict
from mesoplan.models import AuditEntry
from scheduling import rescheduling
from scheduling.models import Appointment, AppointmentStatus
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
PLANNED = datetime(2026, 9, 14, 10, tzinfo=BERLIN)


def _appointment(clinician, start, patient=None, minutes=45):
    return Appointment.objects.create(
        practice=clinician.practice,
        patient=patient or PatientFactory(practice=clinician.practice),
        clinician=clinician,
        kind="maintenance",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
    )


def _performed(actor, appointment, at):
    rescheduling.move_to_when_performed(actor=actor, appointment=appointment, performed_at=at)
    appointment.refresh_from_db()
    return appointment


def test_it_moves_to_when_it_happened_and_the_audit_keeps_both_times(clinician_a):
    session = _appointment(clinician_a, PLANNED)
    at = PLANNED - timedelta(days=4)
    moved = _performed(clinician_a, session, at)
    assert (moved.starts_at, moved.ends_at) == (at, at + timedelta(minutes=45))
    entry = AuditEntry.objects.get(action="appointment.performed_earlier")
    assert entry.actor_id == clinician_a.pk and entry.patient_id == session.patient_id
    assert entry.summary == "planned Mon 14 Sep 2026, 10:00, performed Thu 10 Sep 2026, 10:00"
    assert entry.details == {
        "planned_starts_at": PLANNED.isoformat(),
        "starts_at": at.isoformat(),
    }


def test_its_own_planned_slot_is_not_in_its_way(clinician_a):
    session = _appointment(clinician_a, PLANNED)
    at = PLANNED - timedelta(minutes=15)
    assert _performed(clinician_a, session, at).starts_at == at


def test_the_clinicians_other_appointment_is_a_409_naming_it(clinician_a):
    session = _appointment(clinician_a, PLANNED)
    other = _appointment(clinician_a, PLANNED - timedelta(days=1, minutes=30))
    with pytest.raises(Conflict) as refused:
        _performed(clinician_a, session, PLANNED - timedelta(days=1))
    assert refused.value.code == "double_booking"
    other.refresh_from_db()  # as stored: UTC
    assert refused.value.details["conflicting"]["starts_at"] == other.starts_at.isoformat()
    session.refresh_from_db()
    assert session.starts_at == PLANNED


def test_the_patients_appointment_elsewhere_is_a_409_naming_the_patient(clinician_a):
    session = _appointment(clinician_a, PLANNED)
    colleague = ClinicianFactory(practice=clinician_a.practice)
    _appointment(colleague, PLANNED - timedelta(days=1), patient=session.patient)
    with pytest.raises(Conflict) as refused:
        _performed(clinician_a, session, PLANNED - timedelta(days=1, minutes=-10))
    assert refused.value.code == "patient_double_booking"
    assert refused.value.message.startswith("The patient already has an appointment from")


def test_a_cancelled_appointment_is_not_in_its_way(clinician_a):
    session = _appointment(clinician_a, PLANNED)
    other = _appointment(clinician_a, PLANNED - timedelta(days=1))
    Appointment.objects.filter(pk=other.pk).update(status=AppointmentStatus.CANCELLED)
    at = PLANNED - timedelta(days=1)
    assert _performed(clinician_a, session, at).starts_at == at
