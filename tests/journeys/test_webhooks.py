"""The manager connects other software: adds a webhook endpoint in the browser, copies
its secret (shown once), sees a booking's delivery arrive at a real receiver and in the
delivery log, and a failing endpoint's retries."""

import pytest
from standardwebhooks import Webhook

from tests.factories import PASSWORD, PatientFactory
from tests.journeys.conftest import settle_and_check, sign_in, visit
from tests.journeys.test_staff import shoot_both
from tests.scheduling.sync_support import appointment_at
from tests.webhooks.test_webhooks_api import sweep_until
from webhooks.models import Attempt

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_manager_adds_an_endpoint_and_reads_its_delivery_log(
    page, chromium, live_server, manager_a, clinician_a, httpserver
):
    httpserver.expect_request("/hook").respond_with_data("ok")
    sign_in(page, "mgr_a", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    page.get_by_role("heading", name="Webhooks", level=1).wait_for()
    settle_and_check(page)
    page.get_by_label("URL").fill("http://hooks.example.com/hook")
    page.get_by_role("button", name="Add endpoint").click()
    page.get_by_text("Plain http:// goes only to this machine").wait_for()
    shoot_both(page, "webhooks-list-error")
    page.get_by_label("URL").fill(httpserver.url_for("/hook"))
    page.get_by_label("Description").fill("Patient app sync")
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("whsec_")
    shoot_both(page, "webhooks-secret-once")

    appointment_at(clinician_a, PatientFactory(practice=clinician_a.practice), 0)
    sweep_until(lambda: len(httpserver.log) >= 1)
    ((request, _),) = httpserver.log
    payload = Webhook(secret).verify(request.get_data(), dict(request.headers))
    assert payload["type"] == "appointment.created"
    page.reload()
    assert secret not in page.content()  # shown once
    row = page.get_by_role("row").filter(has_text="appointment.created")
    row.get_by_text("200").wait_for()
    shoot_both(page, "webhooks-delivery-log")


def test_a_failing_endpoint_shows_its_retries(page, chromium, live_server, manager_a, clinician_a):
    from webhooks import endpoints

    endpoints.register(
        actor=manager_a, url="http://127.0.0.1:9/down", events=["appointment.created"]
    )
    appointment_at(clinician_a, PatientFactory(practice=clinician_a.practice), 0)
    # Sent at once after the commit, or (another test's transaction held the change log's
    # bound back on PostgreSQL) by the beat's sweep, run here.
    sweep_until(lambda: Attempt.objects.exists())
    sign_in(page, "mgr_a", PASSWORD)
    visit(page, "/webhooks/")
    page.get_by_role("link", name="http://127.0.0.1:9/down", exact=True).click()
    page.get_by_text("Connection refused.").wait_for()
    page.get_by_role("button", name="Send again").wait_for()
    shoot_both(page, "webhooks-failing")
