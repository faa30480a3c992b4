"""No double booking, ever: the database refuses overlapping appointments of one
clinician, also when many requests race for the same slot."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from mesoplan.errors import Conflict
from scheduling import booking
from scheduling.models import Appointment, AppointmentStatus
from tests.concurrency import race
from tests.factories import PatientFactory

# A Monday 09:00 a few weeks ahead: within the booking horizon whenever the suite runs.
_AHEAD = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=28)
SLOT = _AHEAD - timedelta(days=_AHEAD.weekday())


def _book(actor, patient, start=SLOT, minutes=45):
    return booking.book_appointment(
        actor=actor,
        patient=patient,
        clinician_id=actor.pk,
        kind="consultation",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
    )


@pytest.mark.django_db
def test_an_overlapping_appointment_is_a_409_naming_the_time(clinician_a):
    first = _book(clinician_a, PatientFactory(practice=clinician_a.practice))
    with pytest.raises(Conflict) as info:
        _book(
            clinician_a, PatientFactory(practice=clinician_a.practice), SLOT + timedelta(minutes=30)
        )
    assert info.value.code == "double_booking"
    assert info.value.details["conflicting"]["starts_at"] == first.starts_at.isoformat()
    # Back to back is fine, and a cancelled appointment frees its slot.
    _book(clinician_a, PatientFactory(practice=clinician_a.practice), SLOT + timedelta(minutes=45))
    Appointment.objects.filter(pk=first.pk).update(status=AppointmentStatus.CANCELLED)
    _book(clinician_a, PatientFactory(practice=clinician_a.practice), SLOT)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_itself_refuses_an_overlap_the_code_did_not_check(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    _book(clinician_a, patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            practice=clinician_a.practice,
            patient=patient,
            clinician=clinician_a,
            kind="consultation",
            starts_at=SLOT + timedelta(minutes=10),
            ends_at=SLOT + timedelta(minutes=20),
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_parallel_bookings_of_one_slot_exactly_one_wins(clinician_a):
    patients = [PatientFactory(practice=clinician_a.practice) for _ in range(50)]

    def attempt(patient):
        def book():
            _book(clinician_a, patient)
            return "booked"

        return book

    outcomes = race([attempt(p) for p in patients], {Conflict: "conflict"})
    assert sorted(set(outcomes)) == ["booked", "conflict"], outcomes
    assert outcomes.count("booked") == 1
    assert Appointment.objects.filter(clinician=clinician_a).count() == 1
