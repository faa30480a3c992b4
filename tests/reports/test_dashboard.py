"""/reports/ in the browser's terms (the journey itself is tests/journeys/test_reports.py):
who may open what, a build asked for from the form, the fragment a build in progress
polls and that stops polling once it is done, every table as CSV, and a page whose
queries do not grow with the practice's surveys."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reports import builds
from reports.models import Report, ReportStatus, SurveyedCourse
from tests.reports.test_reports_api import surveyed

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def built(actor, capture, **filters):
    with capture(execute=True):
        report, _ = builds.request_report(actor, {"kind": "meso_report", **filters})
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    return report


def csv_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_manager_builds_from_the_form_and_reads_the_chart(
    manager_a, clinician_a, django_capture_on_commit_callbacks
):
    surveyed(clinician_a, "very_satisfied")
    surveyed(clinician_a, "satisfied")
    client = client_for(manager_a)
    assert "No report has been built yet" in client.get("/reports/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/reports/", {"protocol": "mesolift", "sex": ""})
    report = Report.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/reports/{report.pk}/"
    assert report.parameters == {"protocol": "mesolift"}
    page = client.get(answer["Location"]).content.decode()
    assert 'role="img"' in page and "Satisfaction per formulation" in page
    # The chart's text alternative states each share and its interval.
    assert "very satisfied 50% (95% interval 9% to 91%)" in page
    assert "Formulation MesoLift course" in page  # the filters the snapshot counted
    assert "hx-trigger" not in page  # done: nothing polls
    assert "count every course of the scope" not in page  # no survey-only filter given
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/reports/", {"sex": "female"})
    page = client.get(answer["Location"]).content.decode()
    assert "These figures count every course of the scope" in page


def test_bad_filters_come_back_on_the_form_and_build_nothing(manager_a):
    client = client_for(manager_a)
    answer = client.post("/reports/", {"from": "2026-03-01", "to": "2026-02-01"})
    assert answer.status_code == 400
    assert "Must be on or after" in answer.content.decode()
    answer = client.post("/reports/", {"from": "2026-02-30", "protocol": "botox"})
    assert answer.status_code == 400
    assert not Report.objects.exists()


def test_who_may_open_the_reports(
    browser_a, manager_a, manager_b, network_admin, django_capture_on_commit_callbacks
):
    assert browser_a.get("/reports/").status_code == 403  # a clinician
    report = built(manager_a, django_capture_on_commit_callbacks)
    other = client_for(manager_b)
    for url in (f"/reports/{report.pk}/", f"/reports/{report.pk}/progress"):
        assert other.get(url).status_code == 404
    assert other.get(f"/reports/{report.pk}/satisfaction.csv").status_code == 404
    # The network admin reads the network's builds, not a practice manager's own.
    assert client_for(network_admin).get(f"/reports/{report.pk}/").status_code == 404
    assert client_for(manager_a).get(f"/reports/{report.pk}/").status_code == 200


def test_a_build_in_progress_polls_until_it_is_done(manager_a, clinician_a):
    surveyed(clinician_a)
    report, _ = builds.request_report(manager_a, {"kind": "meso_report"})  # not run yet
    client = client_for(manager_a)
    page = client.get("/reports/").content.decode()
    assert f'hx-get="/reports/{report.pk}/progress"' in page and "Building the report" in page
    fragment = client.get(f"/reports/{report.pk}/progress").content.decode()
    assert 'hx-trigger="every 2s"' in fragment and "<html" not in fragment
    builds.build(str(report.pk))
    fragment = client.get(f"/reports/{report.pk}/progress").content.decode()
    assert "hx-trigger" not in fragment and "Satisfaction per formulation" in fragment
    assert "The report is ready." in fragment


def test_a_failed_build_says_why(manager_a, monkeypatch):
    report, _ = builds.request_report(manager_a, {"kind": "meso_report"})

    def broken(report, as_of):
        raise RuntimeError("disk full")

    monkeypatch.setattr(builds, "compute", broken)
    builds.build(str(report.pk))
    page = client_for(manager_a).get(f"/reports/{report.pk}/").content.decode()
    assert "could not be built" in page and "RuntimeError: disk full" in page
    assert "hx-trigger" not in page


def test_every_table_downloads_as_the_page_shows_it(
    manager_a, clinician_a, django_capture_on_commit_callbacks
):
    surveyed(clinician_a, "very_satisfied")
    surveyed(clinician_a, "less_satisfied", protocol="mesohair")
    report = built(manager_a, django_capture_on_commit_callbacks)
    client = client_for(manager_a)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    for table in ("satisfaction", "trend", "gais", "density", "rating", "completion"):
        assert f"/reports/{report.pk}/{table}.csv" in page
        assert client.get(f"/reports/{report.pk}/{table}.csv").status_code == 200
    for table in ("activity", "lots"):
        assert f"/reports/{report.pk}/{table}.csv" in page
    rows = csv_of(client.get(f"/reports/{report.pk}/satisfaction.csv"))
    head, lift = rows[0], next(r for r in rows if r[0] == "MesoLift course")
    assert head[:3] == ["Formulation", "Surveyed courses", "Less satisfied"]
    by = dict(zip(head, lift, strict=True))
    assert (by["Surveyed courses"], by["Very satisfied"], by["Very satisfied share"]) == (
        "1",
        "1",
        "1.0",
    )
    assert float(by["Very satisfied 95% low"]) == pytest.approx(0.2065, abs=1e-4)
    assert client.get(f"/reports/{report.pk}/nope.csv").status_code == 404


def test_the_network_comparison_reads_lt11_and_names_are_not_formulas(
    network_admin, clinician_a, django_capture_on_commit_callbacks
):
    practice = clinician_a.practice
    practice.name = "=HYPERLINK(1)"
    practice.save()
    surveyed(clinician_a)
    report = built(network_admin, django_capture_on_commit_callbacks)
    client = client_for(network_admin)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "Member practices compared" in page and "&lt;11" in page
    rows = csv_of(client.get(f"/reports/{report.pk}/practices.csv"))
    row = next(r for r in rows[1:] if "HYPERLINK" in r[0])
    assert row[0] == "'=HYPERLINK(1)" and row[1] == "<11"
    home = client.get("/").content.decode()
    assert "Meso-Report of the network" in home and "Member practices compared" in home


def test_synthetic_rows_are_labelled(manager_a, clinician_a, django_capture_on_commit_callbacks):
    surveyed(clinician_a)
    SurveyedCourse.objects.update(synthetic=True)
    report = built(manager_a, django_capture_on_commit_callbacks)
    client = client_for(manager_a)
    assert "Synthetic data" in client.get(f"/reports/{report.pk}/").content.decode()
    first = csv_of(client.get(f"/reports/{report.pk}/trend.csv"))[0][0]
    assert first.startswith("# Synthetic data")


def test_the_managers_home_points_at_the_latest_report(
    manager_a, clinician_a, django_capture_on_commit_callbacks
):
    client = client_for(manager_a)
    assert "No Meso-Report has been built yet" in client.get("/").content.decode()
    surveyed(clinician_a)
    built(manager_a, django_capture_on_commit_callbacks)
    home = client.get("/").content.decode()
    assert "1 surveyed course." in home and 'href="/reports/"' in home


def _page_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_pages_queries_do_not_grow_with_the_surveys(
    manager_a, clinician_a, django_capture_on_commit_callbacks
):
    client = client_for(manager_a)
    surveyed(clinician_a)
    small = built(manager_a, django_capture_on_commit_callbacks)
    client.get("/reports/")  # the first request after signing in also renews the session
    counts_small = [_page_queries(client, u) for u in ("/reports/", f"/reports/{small.pk}/")]
    for rating in ("satisfied", "less_satisfied", "very_satisfied") * 3:
        surveyed(clinician_a, rating, protocol="mesohair")
    for _ in range(4):
        built(manager_a, django_capture_on_commit_callbacks, sex="female")
    large = built(manager_a, django_capture_on_commit_callbacks)
    counts_large = [_page_queries(client, u) for u in ("/reports/", f"/reports/{large.pk}/")]
    assert counts_small == counts_large
    assert max(counts_large) <= 12
