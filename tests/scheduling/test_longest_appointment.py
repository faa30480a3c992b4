"""No appointment lasts longer than 12 hours (issue 16): so an appointment overlapping a
period starts at most 12 hours before it, and the calendar and the overlap checks read
a bounded stretch of the start-time index (`selectors.overlapping`). The booking service
refuses a longer one; on PostgreSQL the database does too."""

from datetime import time, timedelta

import pytest
from django.db import IntegrityError, transaction

from mesoplan.errors import Conflict, InvalidInput
from scheduling.models import LONGEST_APPOINTMENT, Appointment, OpeningHours
from scheduling.selectors import availability_for, calendar_appointments, overlapping
from tests.factories import PatientFactory
from tests.scheduling.test_no_double_booking import SLOT, _book

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def long_mondays(practice_a):
    """A practice open long enough on Mondays for a 12-hour appointment (bookings fall in
    the hours the clinician treats)."""
    OpeningHours.objects.create(practice=practice_a, weekday=0, opens=time(6), closes=time(23, 30))


def test_an_appointment_longer_than_twelve_hours_is_refused(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    with pytest.raises(InvalidInput) as info:
        _book(clinician_a, patient, minutes=12 * 60 + 1)
    assert info.value.errors == {"ends_at": ["An appointment lasts at most 12 hours."]}
    assert _book(clinician_a, patient, minutes=12 * 60).ends_at == SLOT + LONGEST_APPOINTMENT


def test_the_longest_appointment_is_found_by_every_period_it_overlaps(clinician_a):
    """The bound is exact: a 12-hour appointment overlaps a period that begins a moment
    before it ends, and not one that begins as it ends."""
    patient = PatientFactory(practice=clinician_a.practice)
    longest = _book(clinician_a, patient, minutes=12 * 60)
    end = longest.ends_at
    moment = timedelta(seconds=1)
    for since, found in ((end - moment, True), (end, False), (SLOT - moment, True)):
        until = since + timedelta(minutes=30)
        assert Appointment.objects.filter(overlapping(since, until)).exists() is found
        assert (
            list(calendar_appointments(clinician_a, since=since, until=until)) == [longest]
        ) is found
        busy = availability_for(clinician_a, since, until).busy
        assert (list(busy) == [(longest.starts_at, longest.ends_at)]) is found
    with pytest.raises(Conflict) as refused:
        _book(clinician_a, PatientFactory(practice=clinician_a.practice), end - moment)
    assert refused.value.code == "double_booking"


@pytest.mark.postgres
def test_postgresql_refuses_an_appointment_longer_than_twelve_hours(clinician_a):
    longest = _book(clinician_a, PatientFactory(practice=clinician_a.practice), minutes=60)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=longest.pk).update(
            ends_at=longest.starts_at + LONGEST_APPOINTMENT + timedelta(minutes=1)
        )
