"""Django's own error answers are JSON under /api/ (the schema documents JSON error
bodies) and stay HTML pages for the browser."""

import pytest
from django.test import RequestFactory

from mesoplan import http_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/clinicians/%C2%84/",  # found by the schema fuzz: an id no route matches
        "/api/v1/patients/not-a-uuid/",
        "/api/v1/patients/00000000-0000-0000-0000-000000000000/screenings/x/",
        "/api/v1/protocols/meso.lift/",
        "/api/v1/no-such-resource/",
    ],
)
def test_api_url_that_matches_no_route_answers_json_404(api_a, path):
    response = api_a.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_browser_url_that_matches_no_route_keeps_the_html_page(browser_a):
    response = browser_a.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_api_request_django_refuses_as_suspicious_answers_json_400(api_a, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = api_a.get("/api/v1/patients/?" + "&".join(f"f{n}=1" for n in range(10)))
    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (lambda r: http_errors.permission_denied(r, Exception()), 403),
        (http_errors.server_error, 500),
    ],
)
def test_other_django_errors_are_json_under_api_and_html_elsewhere(handler, status):
    api = handler(RequestFactory().get("/api/v1/patients/"))
    page = handler(RequestFactory().get("/patients/"))
    assert (api.status_code, api["Content-Type"]) == (status, "application/json")
    assert (page.status_code, page["Content-Type"].split(";")[0]) == (status, "text/html")
