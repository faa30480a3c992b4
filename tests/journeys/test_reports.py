"""The Meso-Report in a real browser: a manager asks for a report, sees the page follow
the build while the worker is on it and show the report when it is done (no reload),
reads the chart and its intervals, downloads a table as CSV; the network admin compares
the member practices with the small cells hidden."""

import pytest

from reports import builds
from reports.models import Report, ReportStatus
from tests.factories import PASSWORD
from tests.journeys.conftest import settle_and_check, sign_in
from tests.journeys.test_staff import shoot_both
from tests.reports.test_reports_api import surveyed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def queued(monkeypatch):
    """The broker's side: builds wait for the worker (the test) instead of running in
    the web process as the embedded default does."""
    waiting: list[str] = []
    monkeypatch.setattr(builds, "_enqueue", waiting.append)
    return waiting


def test_manager_asks_sees_it_finish_reads_the_chart_and_downloads_csv(
    page, live_server, manager_a, clinician_a, queued
):
    for rating in ("very_satisfied", "very_satisfied", "satisfied", "less_satisfied"):
        surveyed(clinician_a, rating)
    surveyed(clinician_a, "satisfied", protocol="mesohair")
    sign_in(page, "mgr_a", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("heading", name="Meso-Report", level=1).wait_for()
    page.get_by_text("No report has been built yet").wait_for()
    shoot_both(page, "reports-empty")

    page.get_by_label("Formulation").select_option(label="MesoLift course")
    page.get_by_role("button", name="Build report").click()
    page.get_by_role("heading", name="Building the report…").wait_for()
    shoot_both(page, "reports-building")
    page.evaluate("window.stillThisPage = true")  # gone if the page reloads
    assert len(queued) == 1
    assert builds.build(queued[0]) == ReportStatus.DONE  # the worker finishes

    page.get_by_role("heading", name="Satisfaction per formulation").wait_for(timeout=10_000)
    assert page.evaluate("window.stillThisPage") is True
    assert page.locator("[hx-trigger]").count() == 0  # the polling stopped
    chart = page.get_by_role("img", name="Satisfaction per formulation")
    description = chart.locator("desc").text_content()
    assert "MesoLift course, 4 surveyed courses" in description
    assert "very satisfied 50% (95% interval 15% to 85%)" in description
    assert "MesoHair" not in description  # the filter held
    settle_and_check(page)
    shoot_both(page, "reports-done")

    panel = page.locator("#panel-satisfaction")
    panel.get_by_text("Table of the figures").click()
    row = panel.get_by_role("row", name="MesoLift course")
    assert "50.0%" in row.inner_text()
    with page.expect_download() as download:
        panel.get_by_role("link", name="CSV of satisfaction per formulation").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("Formulation,Surveyed courses,Less satisfied")
    assert "MesoLift course,4,1,0.25" in text
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE and report.requested_by == manager_a


def test_network_admin_compares_practices_with_small_cells_hidden(
    page, live_server, network_admin, clinician_a, queued
):
    surveyed(clinician_a, "very_satisfied")
    sign_in(page, "netadmin", PASSWORD)
    page.get_by_text("No network report has been built yet").wait_for()
    page.get_by_role("button", name="Build a new network report").click()
    page.get_by_role("heading", name="Building the report…").wait_for()
    builds.build(queued[0])
    comparison = page.locator("#panel-practices")
    comparison.get_by_role("heading", name="Member practices compared").wait_for()
    row = comparison.get_by_role("row", name="Practice A")
    assert "<11" in row.inner_text() and "1" not in row.inner_text().replace("<11", "")
    shoot_both(page, "reports-network")
    page.goto("/")
    page.get_by_role("heading", name="Meso-Report of the network").wait_for()
    assert page.locator("#panel-practices").get_by_text("<11").count() >= 1
    shoot_both(page, "home-network-report")
