"""Every role's pages, at desktop and tablet width, in real Chromium with axe-core looking
at each (see conftest.py): sign-in, home, patient list, record, forms and their failed
submits (focus moves to the error summary), a result page, 403, 404 and the lock-out
page. The top bar stays one row at tablet width; full-page screenshots are saved to
tests/artifacts/ for a human to look at."""

import re

import pytest

from patients import services
from tests.factories import PASSWORD, PatientFactory
from tests.journeys.conftest import AxeWatch, settle_and_check, shoot, sign_in, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = {"desktop": (1280, 800), "tablet": (820, 1180)}


@pytest.fixture
def world(clinician_a, manager_a, network_admin, practice_a):
    patient = PatientFactory(
        practice=practice_a, first_name="Greta", last_name="Vogel", sex="female"
    )
    PatientFactory(practice=practice_a, first_name="Paul", last_name="Ernst", sex="male")
    unscreened = PatientFactory(
        practice=practice_a, first_name="Ida", last_name="Brandt", sex="female"
    )
    screening = services.create_screening(
        actor=clinician_a,
        patient=patient,
        indication="skin",
        conditions=["psoriasis"],
        informed_consent=True,
        expectations_acknowledged=True,
    )
    return {
        "clinician": ("clin_a", "Hello, Lena"),
        "manager": ("mgr_a", "Practice A"),
        "network": ("netadmin", "Test network"),
        "record": f"/patients/{patient.pk}/",
        "screen_again": f"/patients/{patient.pk}/screenings/new/?indication=skin",
        "screen": f"/patients/{unscreened.pk}/screenings/new/?indication=skin",
        "result": f"/patients/{patient.pk}/screenings/{screening.pk}/",
    }


def assert_top_bar_is_one_row(page) -> None:
    brand = page.locator(".topbar .brand").bounding_box()
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    bar = page.locator(".topbar").bounding_box()
    assert brand and sign_out and bar
    centre = lambda box: box["y"] + box["height"] / 2  # noqa: E731
    assert abs(centre(brand) - centre(sign_out)) < 8, (brand, sign_out)
    assert bar["height"] < 80, bar


def assert_focus_on_error_summary(page) -> None:
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.get_attribute("role") == "alert"
    # Each link of the summary leads to an element that exists.
    for href in summary.locator("a").evaluate_all("links => links.map(a => a.hash)"):
        assert page.locator(href).count() == 1, href


def expect_page(page, status_code, heading, name, response=None):
    page.get_by_role("heading", name=heading).first.wait_for()
    if response is not None:
        assert response.status == status_code, (page.url, response.status)
    settle_and_check(page)
    assert_top_bar_is_one_row(page)
    shoot(page, name)


def lock_out(page, username: str, prefix: str) -> None:
    """Five wrong passwords lock the username; the next attempt shows the lock-out page.
    The five go through the page's request context (same cookies, no page to check)."""
    visit(page, "/accounts/login/")
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    for _ in range(5):
        page.request.post(
            "/accounts/login/",
            form={"csrfmiddlewaretoken": token, "username": username, "password": "wrong"},
        )
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Signing in is paused").wait_for()
    settle_and_check(page)
    assert "ask your practice manager to unlock" in page.locator("main").inner_text()
    shoot(page, f"{prefix}-locked-out")


@pytest.mark.parametrize("width", VIEWPORTS)
@pytest.mark.parametrize("role", ["clinician", "manager", "network"])
def test_every_page_of_a_role_is_accessible(page, world, role, width):
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[width], strict=True)))
    prefix = f"a11y-{width}-{role}"
    username, home_heading = world[role]

    visit(page, "/accounts/login/")
    shoot(page, f"{prefix}-sign-in")
    sign_in(page, username, PASSWORD)
    expect_page(page, 200, home_heading, f"{prefix}-home")

    if role == "network":
        response = visit(page, "/patients/")
        expect_page(page, 403, "Not available to your role", f"{prefix}-403", response)
        page.get_by_role("link", name="Go to the home page").click()
        expect_page(page, 200, home_heading, f"{prefix}-home-again")
    else:
        response = visit(page, "/patients/")
        expect_page(page, 200, "Patients", f"{prefix}-patient-list", response)
        response = visit(page, world["record"])
        expect_page(page, 200, "Greta Vogel", f"{prefix}-patient-record", response)
        response = visit(page, world["result"])
        expect_page(page, 200, "Greta Vogel", f"{prefix}-result", response)

        visit(page, "/patients/new/")
        expect_page(page, 200, "New patient", f"{prefix}-new-patient")
        page.get_by_role("button", name="Add patient").click()
        page.wait_for_load_state("load")
        assert_focus_on_error_summary(page)
        expect_page(page, 200, "New patient", f"{prefix}-new-patient-failed")

        response = visit(page, world["screen_again"])
        if role == "manager":  # screening is the clinician's: the 403 page, in the frame
            expect_page(page, 403, "Not available to your role", f"{prefix}-403", response)
        else:
            expect_page(page, 200, "Greta Vogel", f"{prefix}-screen-again", response)
            submit = page.get_by_role("button", name="Evaluate screening")
            box = submit.bounding_box()  # in reach without scrolling: the sticky bar
            assert box and box["y"] + box["height"] <= VIEWPORTS[width][1]

            response = visit(page, world["screen"])
            expect_page(page, 200, "Ida Brandt", f"{prefix}-screening-form", response)
            page.locator("[data-condition-group=permanent]").get_by_label(
                "None of these apply"
            ).check()
            page.get_by_role("button", name="Evaluate screening").click()
            page.wait_for_load_state("load")
            assert_focus_on_error_summary(page)
            expect_page(page, 200, "Ida Brandt", f"{prefix}-screening-failed")
            summary = page.locator("[data-error-summary]").inner_text()
            assert "Pregnancy" in summary and "Epilepsy" not in summary

    response = visit(page, "/no-such-page/")
    expect_page(page, 404, "Page not found", f"{prefix}-404", response)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to MesoPlan").wait_for()
    settle_and_check(page)
    lock_out(page, f"locked-{role}", prefix)


# --- the guard itself ------------------------------------------------------------------
def test_axe_fails_a_page_with_a_serious_violation(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    raw = context.new_page()
    try:
        raw.goto("/accounts/login/")
        raw.evaluate("document.querySelector('label[for=id_username]').remove()")
        watch = AxeWatch(raw)
        watch.check()
        assert any(re.search(r"\[critical\] label", line) for line in watch.failures)
    finally:
        context.close()


def test_a_page_loaded_but_not_checked_is_reported(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url)
    raw = context.new_page()
    try:
        watch = AxeWatch(raw)
        raw.on("load", watch.on_load)
        raw.goto("/accounts/login/")
        watch.check()
        raw.goto("/accounts/login/?again")
        raw.goto("/accounts/login/")
        watch.check()
        assert watch.never_checked() == [f"{live_server.url}/accounts/login/?again"]
    finally:
        context.close()
