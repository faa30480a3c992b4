"""The manager's webhook pages: add an endpoint and see its secret once, the delivery
log, rotate, disable and enable, remove; a clinician is refused, another practice's
endpoint is not found; every POST redirects."""

import pytest

from mesoplan.models import AuditEntry
from webhooks.models import Endpoint

pytestmark = pytest.mark.django_db
EVENTS = ["appointment.created", "appointment.cancelled"]


def test_a_manager_adds_an_endpoint_and_sees_the_secret_once(as_manager, receiver):
    response = as_manager.post("/webhooks/", {"url": receiver.url_for("/in"), "events": EVENTS})
    endpoint = Endpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/webhooks/{endpoint.pk}/"
    page = as_manager.get(response["Location"]).content.decode()
    assert endpoint.secret in page and "shown this once" in page
    again = as_manager.get(response["Location"]).content.decode()
    assert endpoint.secret not in again  # once
    assert "Nothing sent yet" in again
    listing = as_manager.get("/webhooks/").content.decode()
    assert receiver.url_for("/in") in listing


def test_bad_input_shows_the_field_and_saves_nothing(as_manager):
    response = as_manager.post("/webhooks/", {"url": "http://10.0.0.1/x", "events": EVENTS})
    assert response.status_code == 200
    assert "Plain http:// goes only to this machine" in response.content.decode() or (
        "not allowed" in response.content.decode()
    )
    assert not Endpoint.objects.exists()
    response = as_manager.post("/webhooks/", {"url": "https://hooks.example.com/", "events": []})
    assert response.status_code == 200 and not Endpoint.objects.exists()


def test_rotate_toggle_and_remove(as_manager, endpoint):
    old = endpoint.secret
    response = as_manager.post(f"/webhooks/{endpoint.pk}/rotate-secret/")
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (
        endpoint.secret != old
        and endpoint.secret in as_manager.get(response["Location"]).content.decode()
    )
    as_manager.post(f"/webhooks/{endpoint.pk}/toggle/")
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    as_manager.post(f"/webhooks/{endpoint.pk}/toggle/")
    endpoint.refresh_from_db()
    assert endpoint.is_active
    assert as_manager.post(f"/webhooks/{endpoint.pk}/delete/").status_code == 302
    assert not Endpoint.objects.exists()
    assert AuditEntry.objects.filter(action__startswith="webhook.").count() >= 5


def test_a_clinician_is_refused_and_a_stranger_is_not_found(browser_a, client, manager_b, endpoint):
    assert browser_a.get("/webhooks/").status_code == 403
    assert browser_a.get(f"/webhooks/{endpoint.pk}/").status_code == 403
    client.force_login(manager_b)
    for path in ("", "rotate-secret/", "toggle/", "delete/"):
        method = client.get if path == "" else client.post
        assert method(f"/webhooks/{endpoint.pk}/{path}").status_code == 404, path
    assert Endpoint.objects.filter(pk=endpoint.pk, is_active=True).exists()
