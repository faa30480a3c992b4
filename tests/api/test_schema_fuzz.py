"""Schemathesis over the whole OpenAPI schema (API.md: "No input a client can send
produces a 500"), in-process through the WSGI app against the test database, signed in
with a token as a clinician, a practice manager and a network admin. Every answer must
be one the schema documents: no server error, a documented status, a body that matches
its schema, a documented content type. A failure here is a bug in the code (or a
status the schema does not document yet), never in this test.

The schema is the one the server serves (`/api/schema/`), so what the fuzz checks is what
clients read. Each operation is one test per role, so pytest-xdist spreads them over the
workers. The django_db mark without `transaction=True`: every generated request runs in
the test's transaction and is rolled back with it (a flush would also delete the
reference data that migrations load, which later tests on the worker need).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from patients import services
from tests.factories import (
    ClinicianFactory,
    ManagerFactory,
    NetworkAdminFactory,
    PatientFactory,
    PracticeFactory,
    api_key_for,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]

# Per operation and role, and per generation phase (Schemathesis adds its own explicit
# and boundary cases): small enough for every `make test` on two shared cores.
# FUZZ_MAX_EXAMPLES=500 digs deeper.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "15"))

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(
        {
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {"stateful": {"enabled": False}},
        }
    ),
)

# Random ids are simply not found: part of the generated requests use the rows the
# fixture made instead, so that retrieve, update, history, acknowledge and revoke run
# too. Filled by the fixture, read when a case is drawn.
KNOWN: dict[str, str] = {}


def _known_path_parameters(path: str, names: list[str]) -> dict[str, str]:
    values = {}
    for name in names:
        if name == "patient_pk":
            values[name] = KNOWN["patient"]
        elif name == "code":
            values[name] = "mesolift"
        elif name in ("appointment_pk", "course_pk") or path.startswith("/api/v1/photos/"):
            # A recorded session's appointment, its course, a photo of it (when the
            # outcomes test made them; otherwise simply not found).
            kind = {"appointment_pk": "appointment", "course_pk": "course"}.get(name, "photo")
            values[name] = KNOWN.get(kind, KNOWN["patient"])
        elif path.startswith("/api/v1/clinicians/"):
            values[name] = KNOWN["clinician"]
        elif "/screenings/" in path:
            values[name] = KNOWN["screening"]
        else:
            values[name] = KNOWN["patient"]
    return values


@schema.hook
def before_generate_path_parameters(context, strategy):
    operation = context.operation
    names = [parameter.name for parameter in operation.path_parameters]
    known = st.builds(lambda: _known_path_parameters(operation.path, names))
    return st.one_of(strategy, known)


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """The WSGI app closes the database connection when a request starts and ends (it
    may have gone stale between real requests). Inside a test that connection holds the
    test's transaction, which PostgreSQL would lose with it. Django's test client
    disconnects the same handlers; the WSGI transport does not."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=["clinician", "practice_manager", "network_admin"])
def token_header(request):
    """A practice with its staff, a patient and a screening awaiting acknowledgement;
    the Authorization header of the role this test runs as."""
    practice = PracticeFactory()
    users = {
        "clinician": ClinicianFactory(practice=practice),
        "practice_manager": ManagerFactory(practice=practice),
        "network_admin": NetworkAdminFactory(network=practice.network),
    }
    patient = PatientFactory(practice=practice)
    screening = services.create_screening(
        actor=users["clinician"], patient=patient, indication="skin", conditions=["herpes"]
    )
    KNOWN.update(
        clinician=str(users["clinician"].pk), patient=str(patient.pk), screening=str(screening.pk)
    )
    return {"Authorization": f"Token {api_key_for(users[request.param])}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_answer_is_one_the_schema_documents(case, token_header):
    case.call_and_validate(headers=token_header, checks=CHECKS)


# A recorded session's outcomes (measures, photos, the course's survey and its link) with
# consent to photography, so that generated bodies reach the services, not only a 404.
outcomes = schema.include(
    path_regex=r"/(session/(measures|photos)|survey(/link)?|photos/\{[^}]+\}(/content)?)/$"
)


@pytest.fixture
def outcomes_token_header():
    """As the clinician (who may write all of these; the general test above covers the
    other roles, which these paths answer before any body is read)."""
    from outcomes import photos
    from tests.outcomes.outcome_support import consent, image_bytes, recorded_session, upload

    clinician = ClinicianFactory(practice=PracticeFactory())
    session = recorded_session(clinician)
    consent(clinician, session.patient)
    photo = photos.add_photo(
        actor=clinician, session_record=session, phase="before", upload=upload(image_bytes())
    )
    KNOWN.update(
        clinician=str(clinician.pk),
        patient=str(session.patient_id),
        appointment=str(session.appointment_id),
        course=str(session.course_id),
        photo=str(photo.pk),
    )
    return {"Authorization": f"Token {api_key_for(clinician)}"}


@pytest.mark.django_db
@outcomes.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_outcome_answers_on_a_recorded_session_are_ones_the_schema_documents(
    case, outcomes_token_header
):
    case.call_and_validate(headers=outcomes_token_header, checks=CHECKS)
