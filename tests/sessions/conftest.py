import pytest

from patients import services
from tests.factories import ManagerFactory, PatientFactory

CONSENT = {"informed_consent": True, "expectations_acknowledged": True}


@pytest.fixture
def ready_patient(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice, first_name="Clara", last_name="Engel")
    services.create_screening(actor=clinician_a, patient=patient, indication="skin", **CONSENT)
    return patient


@pytest.fixture
def manager_b(practice_b):
    return ManagerFactory(practice=practice_b, username="mgr_b")


@pytest.fixture
def as_manager(client, manager_a):
    client.force_login(manager_a)
    return client
