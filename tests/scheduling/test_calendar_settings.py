"""The managers' calendar settings services: manager only, another practice's rows not
found, refused input changes nothing, an audit entry each."""

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mesoplan.errors import InvalidInput
from mesoplan.models import AuditEntry
from protocols.planner import local
from scheduling import booking, calendar_settings, selectors
from scheduling.models import Absence, Closure, KindLength, OpeningHours, WorkingHours
from tests.factories import PatientFactory
from tests.scheduling.settings_support import NOW, SPLIT, actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_opening_hours_replace_the_week_with_split_days(manager_a, practice_a):
    OpeningHours.objects.create(practice=practice_a, weekday=5, opens=time(9), closes=time(13))
    calendar_settings.set_opening_hours(actor=manager_a, hours={0: SPLIT, 1: [(time(9), time(17))]})
    assert selectors.opening_hours_of(manager_a) == {0: SPLIT, 1: [(time(9), time(17))]}
    entry = AuditEntry.objects.get(action="opening_hours.set")
    assert entry.summary == "Mon 08:00-12:00, 14:00-18:00; Tue 09:00-17:00"
    assert entry.actor == manager_a and entry.practice_id == practice_a.pk


@pytest.mark.parametrize(
    ("hours", "key", "message"),
    [
        ({2: [(time(12), time(8))]}, "wednesday", "12:00-08:00: the end must be after the start."),
        (
            {0: [(time(8), time(13)), (time(12), time(18))]},
            "monday",
            "The periods overlap at 12:00",
        ),
        ({}, "hours", "at least one day"),
    ],
)
def test_hours_that_make_no_sense_are_refused_naming_the_day(manager_a, hours, key, message):
    with pytest.raises(InvalidInput) as refused:
        calendar_settings.set_opening_hours(actor=manager_a, hours=hours)
    assert message in " ".join(refused.value.errors[key])
    assert not OpeningHours.objects.exists() and not AuditEntry.objects.exists()


def test_only_a_practice_manager_changes_the_settings(clinician_a):
    with pytest.raises(PermissionDenied):
        calendar_settings.set_opening_hours(actor=clinician_a, hours={0: SPLIT})
    with pytest.raises(PermissionDenied):
        calendar_settings.add_closures(actor=clinician_a, first=date(2026, 12, 24))
    with pytest.raises(PermissionDenied):
        calendar_settings.set_kind_lengths(actor=clinician_a, minutes={"consultation": 20})
    assert not AuditEntry.objects.exists()


def test_closures_cover_a_span_keep_existing_days_and_count_booked_appointments(
    manager_a, clinician_a, practice_a
):
    Closure.objects.create(practice=practice_a, day=date(2026, 12, 28), reason="Already")
    patient = PatientFactory(practice=practice_a)
    start = local(date(2026, 12, 29), time(10), practice_a.zone)
    booking.book_appointment(
        actor=clinician_a,
        patient=patient,
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=start,
        ends_at=start.replace(hour=11),
    )
    added = calendar_settings.add_closures(
        actor=manager_a, first=date(2026, 12, 24), last=date(2026, 12, 31), reason="Holidays"
    )
    assert (added.count, added.clashes) == (7, 1)
    assert Closure.objects.get(day=date(2026, 12, 28)).reason == "Already"
    assert AuditEntry.objects.get(action="closure.add").summary == (
        "24 Dec 2026 to 31 Dec 2026: Holidays"
    )
    with pytest.raises(InvalidInput):
        calendar_settings.add_closures(
            actor=manager_a, first=date(2026, 12, 31), last=date(2026, 12, 24)
        )
    with pytest.raises(InvalidInput):
        calendar_settings.add_closures(
            actor=manager_a, first=date(2026, 1, 1), last=date(2027, 1, 5)
        )


def test_another_practices_rows_are_not_found(manager_a, manager_b, clinician_a, practice_a):
    closure = Closure.objects.create(practice=practice_a, day=date(2026, 12, 24))
    absence = Absence.objects.create(
        clinician=clinician_a, starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 2)
    )
    with pytest.raises(Http404):
        calendar_settings.remove_closure(actor=manager_b, closure=closure)
    with pytest.raises(Http404):
        calendar_settings.remove_absence(actor=manager_b, absence=absence)
    with pytest.raises(Http404):
        calendar_settings.set_working_hours(actor=manager_b, clinician=clinician_a, hours={})
    assert Closure.objects.exists() and Absence.objects.exists()


def test_working_hours_and_absences_are_a_clinicians(manager_a, clinician_a):
    calendar_settings.set_working_hours(
        actor=manager_a, clinician=clinician_a, hours={0: [(time(9), time(13))]}
    )
    assert list(WorkingHours.objects.values_list("weekday", "starts", "ends")) == [
        (0, time(9), time(13))
    ]
    calendar_settings.set_working_hours(actor=manager_a, clinician=clinician_a, hours={})
    assert not WorkingHours.objects.exists()  # back to the practice's opening hours
    added = calendar_settings.add_absence(
        actor=manager_a, clinician=clinician_a, starts_on=date(2026, 10, 5), reason=" Leave "
    )
    absence = Absence.objects.get()
    assert (absence.ends_on, absence.reason, added.clashes) == (date(2026, 10, 5), "Leave", 0)
    calendar_settings.remove_absence(actor=manager_a, absence=absence)
    assert not Absence.objects.exists()
    with pytest.raises(InvalidInput):
        calendar_settings.add_absence(actor=manager_a, clinician=manager_a, starts_on=date.today())
    assert actions() == [
        "working_hours.set",
        "working_hours.set",
        "absence.add",
        "absence.remove",
    ]


def test_an_absence_keeps_the_planner_away(manager_a, clinician_a):
    calendar_settings.add_absence(
        actor=manager_a,
        clinician=clinician_a,
        starts_on=date(2026, 9, 14),
        ends_on=date(2026, 9, 14),
    )
    since = local(date(2026, 9, 13), time(0), manager_a.practice.zone)
    availability = selectors.availability_for(clinician_a, since, since.replace(day=20))
    assert date(2026, 9, 14) in availability.closed


def test_kind_lengths_are_set_reset_and_checked(manager_a):
    calendar_settings.set_kind_lengths(actor=manager_a, minutes={"consultation": 20})
    assert selectors.kind_lengths_of(manager_a) == {"consultation": 20}
    calendar_settings.set_kind_lengths(actor=manager_a, minutes={"consultation": None})
    assert not KindLength.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        calendar_settings.set_kind_lengths(actor=manager_a, minutes={"maintenance": 3})
    assert refused.value.errors == {"maintenance": ["Enter 5 to 480 minutes."]}


def test_doctests():
    import doctest

    assert doctest.testmod(calendar_settings).failed == 0
