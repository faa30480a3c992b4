"""The API's conventions (API.md): schema and docs, errors, pagination, clinicians."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.calendar_feed import feed_token
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


def test_schema_is_public_openapi_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/clinicians/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]


def test_docs_are_public_and_load_nothing_from_outside(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}" in html


def test_clinicians_lists_own_practice_only_with_contract_fields(api_a, clinician_a, clinician_b):
    response = api_a.get("/api/v1/clinicians/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"results", "next"}
    ids = [row["id"] for row in body["results"]]
    assert ids == [str(clinician_a.pk)]
    row = body["results"][0]
    assert set(row) == {"id", "username", "display_name", "feed_url"}
    assert row["feed_url"].endswith(f"/{feed_token(clinician_a)}.ics")


def test_clinicians_list_paginates_with_next(api_a, practice_a):
    ClinicianFactory.create_batch(4, practice=practice_a)
    body = api_a.get("/api/v1/clinicians/?page_size=2").json()
    assert len(body["results"]) == 2 and body["next"]
    last = api_a.get(body["next"]).json()
    assert last["next"] is None or len(last["results"]) == 2


def test_clinician_list_runs_constant_queries(api_a, practice_a):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api_a.get("/api/v1/clinicians/").status_code == 200
        return len(ctx)

    small = count()
    ClinicianFactory.create_batch(20, practice=practice_a)
    assert count() == small


def test_detail_carries_etag(api_a, clinician_a):
    response = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/")
    assert response.status_code == 200
    assert response["ETag"].startswith('"')


def test_network_admin_may_not_read_practice_staff(api_for, network_admin):
    assert api_for(network_admin).get("/api/v1/clinicians/").status_code == 403


def test_malformed_json_wrong_types_and_unknown_fields_answer_400(client, clinician_a):
    url = "/api/v1/auth/token/"
    malformed = client.post(url, "{not json", content_type="application/json")
    assert malformed.status_code == 400
    wrong_type = client.post(
        url, {"username": ["a"], "password": 5}, content_type="application/json"
    )
    assert wrong_type.status_code == 400 and "username" in wrong_type.json()
    unknown = client.post(
        url,
        {"username": "clin_a", "password": "x", "one_time": "1"},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and unknown.json() == {"one_time": ["Unknown field."]}
    not_object = client.post(url, "[1, 2]", content_type="application/json")
    assert not_object.status_code == 400


def test_calendar_feed_works_without_token_and_revocation_kills_it(client, api_a, clinician_a):
    url = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/").json()["feed_url"]
    feed = client.get(url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    assert feed.content.startswith(b"BEGIN:VCALENDAR")
    revoked = api_a.post(f"/api/v1/clinicians/{clinician_a.pk}/feed/revoke/")
    assert revoked.status_code == 200 and revoked.json()["feed_url"] != url
    assert client.get(url).status_code == 404
    assert client.get(revoked.json()["feed_url"]).status_code == 200


def test_calendar_ics_for_api_clients(api_a, clinician_a):
    response = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/calendar.ics")
    assert response.status_code == 200
    assert b"PRODID:-//MesoPlan//" in response.content


def test_another_clinician_may_not_revoke_my_feed(api_for, clinician_a, practice_a):
    colleague = ClinicianFactory(practice=practice_a)
    response = api_for(colleague).post(f"/api/v1/clinicians/{clinician_a.pk}/feed/revoke/")
    assert response.status_code == 403


def test_a_colleague_is_refused_by_role_before_if_match(api_for, clinician_a, practice_a):
    """Look-up (404), then the role (403), then If-Match (412): a stale version is not
    what stops a colleague."""
    old = feed_token(clinician_a)
    colleague = ClinicianFactory(practice=practice_a)
    url = f"/api/v1/clinicians/{clinician_a.pk}/feed/revoke/"
    response = api_for(colleague).post(url, HTTP_IF_MATCH='"stale"')
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only the clinician or a practice manager may revoke this feed."
    )
    assert api_for(clinician_a).post(url, HTTP_IF_MATCH='"stale"').status_code == 412
    clinician_a.refresh_from_db()
    assert feed_token(clinician_a) == old


def test_feed_url_is_shown_to_its_owner_only(api_for, clinician_a, manager_a, practice_a):
    colleague = ClinicianFactory(practice=practice_a)
    rows = {r["id"]: r for r in api_for(colleague).get("/api/v1/clinicians/").json()["results"]}
    assert rows[str(clinician_a.pk)]["feed_url"] is None
    assert rows[str(colleague.pk)]["feed_url"].endswith(f"/{feed_token(colleague)}.ics")
    detail = api_for(colleague).get(f"/api/v1/clinicians/{clinician_a.pk}/").json()
    assert "feed_url" in detail and detail["feed_url"] is None
    managed = api_for(manager_a).get("/api/v1/clinicians/").json()["results"]
    assert managed and all(row["feed_url"] is None for row in managed)


def test_a_manager_revokes_a_feed_without_receiving_the_new_url(api_for, clinician_a, manager_a):
    old = feed_token(clinician_a)
    response = api_for(manager_a).post(f"/api/v1/clinicians/{clinician_a.pk}/feed/revoke/")
    assert response.status_code == 200 and response.json()["feed_url"] is None
    clinician_a.refresh_from_db()
    assert feed_token(clinician_a) != old


def test_schema_documents_feed_url_as_nullable(client):
    schema = client.get("/api/schema/?format=json").json()
    feed_url = schema["components"]["schemas"]["Clinician"]["properties"]["feed_url"]
    assert feed_url["nullable"] is True and feed_url["readOnly"] is True
