"""The one scope: a practice, a network, or nothing; services refuse strangers' objects."""

import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from mesoplan.tenancy import (
    Scope,
    ensure_in_scope,
    get_scoped_or_404,
    practice_id_of,
    scope_of,
    scoped,
)
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


def test_a_scope_says_what_it_is(practice_a):
    practice, network = Scope.practice(practice_a), Scope.network(practice_a.network)
    assert (practice.is_practice, practice.is_network, practice.is_empty) == (True, False, False)
    assert (network.is_practice, network.is_network, network.is_empty) == (False, True, False)
    nothing = Scope.nothing()
    assert (nothing.is_practice, nothing.is_network, nothing.is_empty) == (False, False, True)
    assert nothing == Scope() and practice.network_id is None and network.practice_id is None


def test_an_inactive_network_admin_sees_nothing(practice_a, two_networks):
    admin = NetworkAdminFactory(network=practice_a.network, is_active=False)
    assert scope_of(admin).is_empty
    assert list(scoped(Patient, admin)) == []


def test_a_network_admin_never_gets_a_practice_scope(practice_a, two_networks):
    # Even one that also names a practice: the role decides, and a network admin reads
    # aggregated statistics only (DOMAIN.md), never one practice's records.
    admin = NetworkAdminFactory(network=practice_a.network)
    admin.practice_id = practice_a.pk
    assert scope_of(admin) == Scope.network(practice_a.network)


def test_the_task_scope_of_nothing_reads_nothing(two_networks):
    assert list(scoped(Patient, Scope.nothing())) == []
    assert Patient.objects.for_actor(Scope.nothing()).count() == 0


def test_a_scoped_queryset_is_narrowed_further_not_widened(clinician_a, two_networks):
    _, patients = two_networks
    mine = Patient.objects.filter(last_name=patients["a"].last_name)
    assert get_scoped_or_404(mine, clinician_a, pk=patients["a"].pk) == patients["a"]
    with pytest.raises(Http404):
        get_scoped_or_404(mine, clinician_a, pk=patients["b"].pk)
    with pytest.raises(Http404):
        get_scoped_or_404(mine, AnonymousUser(), pk=patients["a"].pk)


def test_a_queryset_that_cannot_be_scoped_is_refused(clinician_a):
    from mesoplan.models import Network

    with pytest.raises(TypeError):
        get_scoped_or_404(Network.objects.all(), clinician_a, pk=clinician_a.practice.network_id)


def test_services_act_for_one_practice_only(network_admin, practice_a):
    patient = PatientFactory(practice=practice_a)
    ensure_in_scope(Scope.practice(practice_a), patient)  # a task for that practice
    for outsider in (network_admin, Scope.network(practice_a.network), Scope.nothing(), None):
        with pytest.raises(Http404):
            ensure_in_scope(outsider, patient)


def test_only_practice_scoped_objects_have_a_practice(practice_a):
    patient = PatientFactory(practice=practice_a)
    assert practice_id_of(patient) == practice_a.pk
    with pytest.raises(TypeError):
        practice_id_of(practice_a.network)


NETWORK_ID = uuid.UUID(int=7)


@pytest.mark.parametrize(
    "actor",
    [
        # Anything scope_of does not recognise in full gets nothing, never a scope: an
        # actor that is active but not signed in, one that says nothing of either, ...
        SimpleNamespace(
            is_authenticated=False, is_active=True, role="network_admin", network_id=NETWORK_ID
        ),
        SimpleNamespace(is_active=True, role="network_admin", network_id=NETWORK_ID),
        SimpleNamespace(is_authenticated=True, role="network_admin", network_id=NETWORK_ID),
        # ... staff without a practice and without a network attribute at all ...
        SimpleNamespace(is_authenticated=True, is_active=True, role="clinician", practice_id=None),
        # ... and staff who name a network without being its admin.
        SimpleNamespace(
            is_authenticated=True,
            is_active=True,
            role="clinician",
            practice_id=None,
            network_id=NETWORK_ID,
        ),
    ],
    ids=["not_signed_in", "no_sign_in_state", "no_active_state", "no_network", "not_admin"],
)
def test_an_actor_not_recognised_in_full_has_no_scope(actor):
    assert scope_of(actor) == Scope.nothing()


def test_a_clinician_account_without_a_practice_never_reads_its_network(practice_a, two_networks):
    # The check constraint lets a superuser exist without a practice; naming a network
    # does not make a clinician a network admin.
    user = ClinicianFactory(practice=None, network=practice_a.network, is_superuser=True)
    assert scope_of(user).is_empty
    assert list(scoped(Patient, user)) == []
