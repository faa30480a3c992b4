"""No input a client can send answers 500 (API.md): junk bodies and query strings against
every write endpoint, and generated JSON against the intake endpoints."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients import services
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

JUNK_BODIES = [
    "",
    "null",
    "[]",
    '"text"',
    "1",
    "{}",
    "{",
    '{"a": {"b": [1, {"c": null}]}}',
    '{"indication": ["skin"]}',
    '{"indication": "skin", "conditions": [{"x": 1}]}',
    '{"indication": "skin", "allergies": [null]}',
    '{"indication": "hair", "hair_loss_onset": 12345}',
    '{"date_of_birth": 12345, "first_name": [], "sex": null}',
    '{"phone": ["+49"]}',
    '{"reason": {"x": 1}}',
    '{"reason": "' + "x" * 5000 + '"}',
    '{"first_name": "\\u0000"}',
    '{"email": "a@b.c", "date_of_birth": "0000-00-00"}',
    '{"username": null, "password": null}',
]
JUNK_QUERIES = [
    "?page=-1",
    "?page=abc",
    "?page_size=abc",
    "?page_size=-5",
    "?q=%00",
    "?q=" + "a" * 3000,
]


@pytest.fixture
def endpoints(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["herpes"]
    )
    return {
        "post": [
            "/api/v1/auth/token/",
            "/api/v1/patients/",
            f"/api/v1/patients/{patient.pk}/screenings/",
            f"/api/v1/patients/{patient.pk}/screenings/{screening.pk}/acknowledge/",
            f"/api/v1/clinicians/{clinician_a.pk}/feed/revoke/",
        ],
        "put": [f"/api/v1/patients/{patient.pk}/"],
        "patch": [f"/api/v1/patients/{patient.pk}/"],
        "get": [
            "/api/v1/patients/",
            "/api/v1/clinicians/",
            f"/api/v1/patients/{patient.pk}/screenings/",
        ],
    }


def test_junk_bodies_never_answer_500(api_a, endpoints):
    for method in ("post", "put", "patch"):
        for url in endpoints[method]:
            for body in JUNK_BODIES:
                response = getattr(api_a, method)(url, body, content_type="application/json")
                assert response.status_code < 500, (method, url, body[:60], response.status_code)
                if body not in ("{}",) and url.endswith(("/patients/", "/screenings/")):
                    assert response.status_code in (400, 415), (
                        url,
                        body[:60],
                        response.status_code,
                    )


def test_junk_queries_never_answer_500(api_a, endpoints):
    for url in endpoints["get"]:
        for query in JUNK_QUERIES:
            assert api_a.get(url + query).status_code < 500, (url, query)


def test_wrong_content_type_is_415(api_a):
    response = api_a.post(
        "/api/v1/patients/", "first_name=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
patient_fields = st.fixed_dictionaries(
    {},
    optional={
        name: json_values | st.text(max_size=40)
        for name in ("first_name", "last_name", "date_of_birth", "sex", "email", "phone")
    },
)
screening_fields = st.fixed_dictionaries(
    {"indication": st.sampled_from(["skin", "hair"]) | json_values},
    optional={
        "conditions": st.lists(
            st.sampled_from(["herpes", "pregnancy", "epilepsy"]) | json_values, max_size=4
        ),
        "allergies": st.lists(st.text(max_size=20) | json_values, max_size=4),
        "hair_loss_onset": st.dates().map(str) | json_values,
        "therapy_goal": st.sampled_from(["regrowth", "stabilise"]) | json_values,
        "insurance_options_considered": json_values,
        "informed_consent": json_values,
    },
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(patient=patient_fields, screening=screening_fields)
def test_generated_intake_bodies_never_answer_500(api_a, endpoints, patient, screening):
    assert api_a.post("/api/v1/patients/", patient, format="json").status_code in (201, 400)
    url = endpoints["post"][2]
    assert api_a.post(url, screening, format="json").status_code in (201, 400)
