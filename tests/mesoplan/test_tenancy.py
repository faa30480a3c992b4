"""The one scope: a practice, a network, or nothing; services refuse strangers' objects."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from mesoplan.tenancy import Scope, ensure_in_scope, get_scoped_or_404, scope_of, scoped
from patients import services
from patients.models import Patient, ScreeningAcknowledgement
from tests.factories import (
    ClinicianFactory,
    NetworkAdminFactory,
    NetworkFactory,
    PatientFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_networks(practice_a, practice_b):
    other_network = NetworkFactory(name="Other network")
    practice_c = PracticeFactory(network=other_network, name="Practice C", slug="practice-c")
    patients = {
        "a": PatientFactory(practice=practice_a),
        "b": PatientFactory(practice=practice_b),
        "c": PatientFactory(practice=practice_c),
    }
    return practice_c, patients


def test_practice_staff_are_scoped_to_their_practice(clinician_a, manager_a, practice_a):
    assert scope_of(clinician_a) == Scope.practice(practice_a)
    assert scope_of(manager_a) == Scope.practice(practice_a.pk)


def test_network_admin_is_scoped_to_the_network(network_admin, practice_a):
    assert scope_of(network_admin) == Scope.network(practice_a.network)
    assert scope_of(network_admin).is_network


@pytest.mark.parametrize(
    "who",
    ["anonymous", "none", "inactive", "clinician_without_practice", "admin_without_network"],
)
def test_anyone_without_a_scope_sees_nothing(who, practice_a, two_networks):
    actor = {
        "anonymous": lambda: AnonymousUser(),
        "none": lambda: None,
        "inactive": lambda: ClinicianFactory(practice=practice_a, is_active=False),
        # Superusers may exist without a scope (the check constraint allows them).
        "clinician_without_practice": lambda: ClinicianFactory(practice=None, is_superuser=True),
        "admin_without_network": lambda: NetworkAdminFactory(network=None, is_superuser=True),
    }[who]()
    assert scope_of(actor).is_empty
    assert Patient.objects.count() == 3
    assert list(scoped(Patient, actor)) == []


def test_practice_scope_reads_one_practice(clinician_a, two_networks):
    _, patients = two_networks
    assert list(scoped(Patient, clinician_a)) == [patients["a"]]


def test_network_scope_reads_every_member_practice_and_no_other_network(
    network_admin, two_networks
):
    _, patients = two_networks
    expected = {patients["a"].pk, patients["b"].pk}
    assert set(scoped(Patient, network_admin).values_list("pk", flat=True)) == expected
    # A task has no user: it names its scope, through the same mechanism.
    task_scope = Scope.network(network_admin.network_id)
    assert set(scoped(Patient, task_scope).values_list("pk", flat=True)) == expected


def test_a_task_can_act_for_one_practice(practice_b, two_networks):
    _, patients = two_networks
    assert list(scoped(Patient, Scope.practice(practice_b))) == [patients["b"]]


def test_a_scope_is_never_both_a_practice_and_a_network(practice_a):
    with pytest.raises(ValueError):
        Scope(practice_id=practice_a.pk, network_id=practice_a.network_id)


def test_scoped_lookup_of_junk_or_stranger_ids_is_404(clinician_a, two_networks):
    _, patients = two_networks
    for pk in (patients["b"].pk, uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            get_scoped_or_404(Patient, clinician_a, pk=pk)


def test_ensure_in_scope_follows_the_practice_path(clinician_a, clinician_b, practice_a):
    patient = PatientFactory(practice=practice_a)
    screening = services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    ensure_in_scope(clinician_a, patient, screening)
    with pytest.raises(Http404):
        ensure_in_scope(clinician_b, screening)


def test_update_patient_refuses_another_practices_patient(clinician_b, practice_a):
    patient = PatientFactory(practice=practice_a, first_name="Anna")
    with pytest.raises(Http404):
        services.update_patient(actor=clinician_b, patient=patient, first_name="Mallory")
    patient.refresh_from_db()
    assert patient.first_name == "Anna"


def test_acknowledge_caution_refuses_another_practices_screening(clinician_a, practice_b):
    stranger = ClinicianFactory(practice=practice_b)
    patient = PatientFactory(practice=practice_b)
    screening = services.create_screening(
        actor=stranger, patient=patient, indication="skin", conditions=["psoriasis"]
    )
    with pytest.raises(Http404):
        services.acknowledge_caution(actor=clinician_a, screening=screening, reason="stable")
    assert not ScreeningAcknowledgement.objects.filter(screening=screening).exists()
