"""The home pages' work queues: exactly the right patients, decided by each patient's
LATEST screening per indication, never another practice's, in a constant number of
queries."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from mesoplan.audit import Action, record
from patients import selectors, services
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db

CAUTION = ["psoriasis"]
DEFERRED = ["acute_infection"]
DAY = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def screen(clinician, patient, conditions=(), indication="skin", at=None):
    with time_machine.travel(at or DAY, tick=False):
        return services.create_screening(
            actor=clinician, patient=patient, indication=indication, conditions=list(conditions)
        )


def patients_in(queryset):
    return [s.patient for s in queryset]


def test_an_unacknowledged_caution_is_in_the_queue_until_acknowledged(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    screening = screen(clinician_a, patient, CAUTION)
    assert patients_in(selectors.cautions_awaiting_acknowledgement(clinician_a)) == [patient]
    services.acknowledge_caution(actor=clinician_a, screening=screening, reason="stable")
    assert patients_in(selectors.cautions_awaiting_acknowledgement(clinician_a)) == []


def test_a_newer_eligible_screening_removes_an_old_caution(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    screen(clinician_a, patient, CAUTION, at=DAY)
    screen(clinician_a, patient, [], at=DAY + timedelta(days=1))
    assert list(selectors.cautions_awaiting_acknowledgement(clinician_a)) == []


def test_a_newer_caution_replaces_an_older_one(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    screen(clinician_a, patient, CAUTION, at=DAY)
    newer = screen(clinician_a, patient, CAUTION, at=DAY + timedelta(days=1))
    assert list(selectors.cautions_awaiting_acknowledgement(clinician_a)) == [newer]


def test_each_indication_is_decided_by_its_own_latest_screening(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    skin = screen(clinician_a, patient, CAUTION, indication="skin", at=DAY)
    screen(clinician_a, patient, [], indication="hair", at=DAY + timedelta(days=1))
    assert list(selectors.cautions_awaiting_acknowledgement(clinician_a)) == [skin]


def test_another_practices_patients_never_appear(clinician_a, clinician_b, practice_b):
    stranger = PatientFactory(practice=practice_b)
    screen(clinician_b, stranger, CAUTION)
    other = PatientFactory(practice=practice_b)
    screen(clinician_b, other, DEFERRED)
    assert list(selectors.cautions_awaiting_acknowledgement(clinician_a)) == []
    assert list(selectors.deferred_awaiting_rescreening(clinician_a)) == []
    assert patients_in(selectors.deferred_awaiting_rescreening(clinician_b)) == [other]


def test_deferred_queue_lists_latest_deferred_oldest_first(clinician_a, practice_a):
    early, late, resolved = PatientFactory.create_batch(3, practice=practice_a)
    screen(clinician_a, late, DEFERRED, at=DAY + timedelta(days=5))
    screen(clinician_a, early, DEFERRED, at=DAY)
    screen(clinician_a, resolved, DEFERRED, at=DAY)
    screen(clinician_a, resolved, [], at=DAY + timedelta(days=20))
    assert patients_in(selectors.deferred_awaiting_rescreening(clinician_a)) == [early, late]


def test_recently_viewed_are_the_users_own_distinct_patients_newest_first(
    clinician_a, practice_a, practice_b
):
    colleague = ClinicianFactory(practice=practice_a)
    patients = PatientFactory.create_batch(10, practice=practice_a)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    for n, patient in enumerate(patients):
        with time_machine.travel(start + timedelta(hours=n), tick=False):
            record(clinician_a, Action.PATIENT_VIEW, patient, patient_id=patient.pk)
    with time_machine.travel(start + timedelta(days=1), tick=False):
        record(clinician_a, Action.PATIENT_VIEW, patients[0], patient_id=patients[0].pk)
        record(colleague, Action.PATIENT_VIEW, patients[1], patient_id=patients[1].pk)
        record(clinician_a, Action.PATIENT_UPDATE, patients[2], patient_id=patients[2].pk)
    with time_machine.travel(start + timedelta(days=2), tick=False):
        recent = selectors.recently_viewed_patients(clinician_a, limit=8)
        colleagues = selectors.recently_viewed_patients(colleague)
    expected = [patients[0], *reversed(patients[3:])]
    assert [r.patient for r in recent] == expected
    assert recent[0].viewed_at == start + timedelta(days=1)
    assert colleagues[0].patient == patients[1]


def test_recently_viewed_looks_back_ninety_days(clinician_a, practice_a):
    old, recent = PatientFactory.create_batch(2, practice=practice_a)
    with time_machine.travel(DAY, tick=False):
        record(clinician_a, Action.PATIENT_VIEW, old, patient_id=old.pk)
    with time_machine.travel(DAY + timedelta(days=80), tick=False):
        record(clinician_a, Action.PATIENT_VIEW, recent, patient_id=recent.pk)
    with time_machine.travel(DAY + timedelta(days=selectors.RECENT_VIEW_DAYS - 1), tick=False):
        assert [r.patient for r in selectors.recently_viewed_patients(clinician_a)] == [
            recent,
            old,
        ]
    with time_machine.travel(DAY + timedelta(days=selectors.RECENT_VIEW_DAYS + 1), tick=False):
        assert [r.patient for r in selectors.recently_viewed_patients(clinician_a)] == [recent]


def test_of_two_screenings_made_at_one_moment_the_greater_id_is_the_latest(clinician_a, practice_a):
    """The queues' NOT EXISTS reads "latest" as `latest_screenings` does (newest first,
    then the greater id): the same screening, however the tie falls."""
    patient = PatientFactory(practice=practice_a)
    first = screen(clinician_a, patient, CAUTION, at=DAY)
    second = screen(clinician_a, patient, DEFERRED, at=DAY)
    latest = max(first, second, key=lambda s: s.pk)
    assert selectors.latest_screenings(clinician_a, [patient.pk])[(patient.pk, "skin")] == latest
    cautions = list(selectors.cautions_awaiting_acknowledgement(clinician_a))
    deferred = list(selectors.deferred_awaiting_rescreening(clinician_a))
    assert cautions + deferred == [latest]


def _fill(clinician, practice, n):
    for i in range(n):
        patient = PatientFactory(practice=practice)
        screen(clinician, patient, [CAUTION, DEFERRED, []][i % 3], at=DAY + timedelta(hours=i))
        record(clinician, Action.PATIENT_VIEW, patient, patient_id=patient.pk)


@pytest.mark.parametrize("size", [3, 30])
def test_queues_take_a_constant_number_of_queries(
    clinician_a, practice_a, size, django_assert_num_queries
):
    _fill(clinician_a, practice_a, size)
    with django_assert_num_queries(1):
        cautions = list(selectors.cautions_awaiting_acknowledgement(clinician_a))
        assert [s.patient.full_name for s in cautions] and [s.created_by for s in cautions]
    with django_assert_num_queries(1):
        assert [s.patient.full_name for s in selectors.deferred_awaiting_rescreening(clinician_a)]
    with django_assert_num_queries(2):
        assert [r.patient.latest_outcome for r in selectors.recently_viewed_patients(clinician_a)]


@pytest.mark.parametrize("size", [3, 30])
def test_figures_take_a_constant_number_of_queries(
    clinician_a, network_admin, practice_a, size, django_assert_num_queries
):
    _fill(clinician_a, practice_a, size)
    with django_assert_num_queries(3):
        glance = selectors.practice_at_a_glance(clinician_a, week_starts=DAY - timedelta(days=1))
    assert glance.patients == size and glance.screenings_this_week == size
    assert glance.open_acknowledgements == len(range(0, size, 3))
    with django_assert_num_queries(2):
        figures = selectors.network_figures(network_admin, since=DAY - timedelta(days=1))
    assert figures[practice_a.pk].patients == size
    assert figures[practice_a.pk].screenings == size
    assert figures[practice_a.pk].screenings_by_outcome["caution"] == len(range(0, size, 3))
