"""The OpenAPI schema documents every answer an operation can give (mesoplan/api/schema.py):
the error statuses of API.md with their bodies, and the Idempotency-Key and If-Match
headers; and drf-spectacular finds nothing to warn about."""

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from mesoplan.api.schema import ERRORS


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _operation(openapi, method, path):
    return openapi["paths"][path][method]


def _statuses(openapi, method, path):
    return set(_operation(openapi, method, path)["responses"])


def _headers(openapi, method, path):
    return {
        p["name"]
        for p in _operation(openapi, method, path).get("parameters", [])
        if p["in"] == "header"
    }


def test_schema_validates_without_warnings(tmp_path):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )


def test_error_statuses_follow_method_route_and_credentials(openapi):
    assert _statuses(openapi, "get", "/api/v1/patients/") == {"200", "400", "401", "403"}
    assert _statuses(openapi, "post", "/api/v1/patients/") == {
        "201",
        "400",
        "401",
        "403",
        "409",
        "422",
    }
    assert _statuses(openapi, "get", "/api/v1/patients/{id}/") == {
        "200",
        "400",
        "401",
        "403",
        "404",
    }
    assert _statuses(openapi, "patch", "/api/v1/patients/{id}/") == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "412",
    }
    assert _statuses(openapi, "post", "/api/v1/auth/token/") == {
        "200",
        "400",
        "401",  # otp_required
        "403",  # password_change_required, second_factor_enrolment_required
        "429",
    }


def test_every_error_has_a_json_body(openapi):
    schemas = openapi["components"]["schemas"]
    assert schemas["ErrorDetail"]["required"] == ["detail"]
    assert schemas["FieldErrors"]["type"] == "object"
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status in ERRORS:
                    body = response["content"]["application/json"]["schema"]["$ref"]
                    expected = "FieldErrors" if status == "400" else "ErrorDetail"
                    assert body.endswith(expected), (method, path, status)


# POSTs without Idempotency-Key replays, each for its reason: the sign-in has no user to
# scope a key to; a survey link's answer holds the link's token, which a stored replay
# would keep in the database (only its hash may be kept).
NO_IDEMPOTENCY_KEY = {"/api/v1/auth/token/", "/api/v1/courses/{course_pk}/survey/link/"}
# POST actions on one object (a router's detail route): If-Match is checked under the
# object's row lock, in the transaction of the write (mesoplan/api/conditional.py).
IF_MATCH_POSTS = {
    *(
        f"/api/v1/appointments/{{id}}/{name}/"
        for name in ("cancel", "check-in", "undo-check-in", "no-show", "undo-no-show", "done")
    ),
    "/api/v1/courses/{id}/end/",
    "/api/v1/clinicians/{id}/feed/revoke/",
    "/api/v1/patients/{id}/photography-consent/",
    "/api/v1/webhooks/{id}/rotate-secret/",
    "/api/v1/webhooks/{id}/redeliver/",
}


# GETs a client may make conditional, with the validators it keeps (calendar apps poll).
CONDITIONAL_GETS = {"/api/v1/clinicians/{id}/calendar.ics/"}


def test_posts_take_an_idempotency_key_and_writes_an_if_match(openapi):
    for path, operations in openapi["paths"].items():
        for method in operations:
            headers = _headers(openapi, method, path)
            if method == "post" and path in IF_MATCH_POSTS:
                assert headers == {"Idempotency-Key", "If-Match"}, path
            elif method == "post" and path not in NO_IDEMPOTENCY_KEY:
                assert headers == {"Idempotency-Key"}, path
            elif method in ("put", "patch", "delete"):
                assert headers == {"If-Match"}, path
            elif method == "get" and path in CONDITIONAL_GETS:
                assert headers == {"If-None-Match", "If-Modified-Since"}, path
            else:
                assert headers == set(), (method, path)


@pytest.mark.parametrize("path", sorted(IF_MATCH_POSTS))
def test_a_post_action_on_one_object_documents_412(openapi, path):
    assert {"404", "409", "412", "422"} <= _statuses(openapi, "post", path)
    assert "If-Match" in {p["name"] for p in _operation(openapi, "post", path)["parameters"]}
