"""Classes of hostile input answered at the root (parser, renderer, URL guard, key
lifecycle), never with a 500, as anyone (signed in or not) can send them."""

import json

import pytest

from mesoplan import idempotency
from mesoplan.models import IdempotencyKey

pytestmark = pytest.mark.django_db

PATIENT = {"first_name": "Ida", "last_name": "Roth", "date_of_birth": "1980-01-01", "sex": "female"}
ENDPOINTS = ["/api/v1/patients/", "/api/v1/auth/token/"]


def _post_raw(client, url, raw: str, **headers):
    return client.generic(
        "POST",
        url,
        raw.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        **headers,
    )


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("depth", [100, 1000, 50_000])
def test_deeply_nested_json_is_a_400(api_a, url, depth):
    response = _post_raw(api_a, url, "[" * depth + "]" * depth)
    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize(
    "raw",
    [
        '{"\\ud800": 1}',  # a field name that an error message would echo
        '{"username": "a", "password": "b", "sex": "\\udfff"}',
        '{"first_name": "Ida\\u0000", "last_name": "Roth"}',
        '{"x": ["\\ud83d"]}',
    ],
)
def test_nul_and_lone_surrogates_are_a_400_naming_the_problem(client, api_a, url, raw):
    for caller in (client, api_a):  # signed in or not
        response = _post_raw(caller, url, raw)
        assert response.status_code in (400, 401), response.content
        if response.status_code == 400:
            assert "NUL" in response.json()["detail"] or "surrogate" in response.json()["detail"]


def test_a_valid_non_ascii_name_is_still_accepted_and_answered_in_utf8(api_a):
    response = api_a.post("/api/v1/patients/", {**PATIENT, "last_name": "Kühn 😊"}, format="json")
    assert response.status_code == 201
    assert "Kühn 😊".encode() in response.content


@pytest.mark.parametrize(
    "path", ["/api/v1/protocols/%00/", "/api/v1/patients/?q=%00", "/patients/%00/"]
)
def test_nul_in_the_url_is_a_400(browser_a, api_a, path):
    for caller in (api_a, browser_a):
        assert caller.get(path).status_code == 400


def test_a_body_over_the_limit_is_refused_before_it_is_read(api_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({**PATIENT, "email": "x" * 2000})
    response = _post_raw(api_a, "/api/v1/patients/", body)
    assert response.status_code == 413


def test_an_idempotent_400_is_stored_and_replayed_not_left_in_flight(api_a):
    raw = '{"\\ud800": 1}'
    first = _post_raw(api_a, "/api/v1/patients/", raw, HTTP_IDEMPOTENCY_KEY="k-1")
    again = _post_raw(api_a, "/api/v1/patients/", raw, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get(key="k-1").state == IdempotencyKey.State.DONE


def test_any_failure_to_store_the_answer_releases_the_key(api_a, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("the store is down")

    monkeypatch.setattr(idempotency, "complete_claim", refuse)
    with pytest.raises(ValueError):
        api_a.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert not IdempotencyKey.objects.filter(key="k-2").exists()  # a retry can proceed
    monkeypatch.undo()
    retry = api_a.post("/api/v1/patients/", PATIENT, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert retry.status_code == 201


def test_patient_answers_and_pages_are_not_stored_by_caches(api_a, browser_a, practice_a):
    from tests.factories import PatientFactory

    patient_a = PatientFactory(practice=practice_a)
    for response in (
        api_a.get(f"/api/v1/patients/{patient_a.pk}/"),
        api_a.get("/api/v1/patients/"),
        browser_a.get(f"/patients/{patient_a.pk}/"),
        browser_a.get("/patients/"),
    ):
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name, value, filename",
    [
        ("ph\x00ase", "after", "photo.jpg"),  # a NUL in a field's name (echoed as unknown)
        ("phase", "aft\x00er", "photo.jpg"),
    ],
)
def test_a_multipart_form_with_a_nul_is_a_400_and_stores_nothing(
    api_a, clinician_a, name, value, filename
):
    """The photo upload's multipart form, under the JSON parser's rule: found by the
    schema fuzz, a NUL in a field name became a 500 when the idempotent answer was stored
    on PostgreSQL."""
    from tests.outcomes.outcome_support import image_bytes, recorded_session

    session = recorded_session(clinician_a)
    boundary = "MesoPlanBoundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{filename}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + image_bytes("JPEG")
        + f"\r\n--{boundary}--\r\n".encode()
    )
    response = api_a.generic(
        "POST",
        f"/api/v1/appointments/{session.appointment_id}/session/photos/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        HTTP_IDEMPOTENCY_KEY="multipart-nul",
    )
    assert response.status_code == 400, response.content
    assert "NUL" in response.json()["detail"]
    assert not session.photos.exists()


@pytest.mark.parametrize("url", ["/api/v1/patients/", "/api/v1/auth/token/", "/patients/new/"])
def test_a_chunked_body_without_a_length_is_refused(api_a, browser_a, url):
    """Issue 16.B.3: behind gunicorn a chunked body reaches Django with no Content-Length
    and was read as empty (a POST acting on nothing the client sent): 411."""
    from patients.models import Patient

    caller = browser_a if not url.startswith("/api/") else api_a
    before = Patient.objects.count()
    response = caller.generic(
        "POST", url, b"", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411
    assert "Content-Length" in response.json()["detail"]
    assert Patient.objects.count() == before
