import pytest

from tests.factories import PatientFactory


@pytest.fixture
def patient_a(practice_a):
    return PatientFactory(practice=practice_a, first_name="Anna", last_name="Schmidt")


@pytest.fixture
def male_patient_a(practice_a):
    return PatientFactory(practice=practice_a, first_name="Jonas", last_name="Weber", sex="male")


CONSENT = {"informed_consent": True, "expectations_acknowledged": True}


@pytest.fixture
def screen_via_api(api_a):
    def post(patient, **body):
        return api_a.post(f"/api/v1/patients/{patient.pk}/screenings/", body, format="json")

    return post
