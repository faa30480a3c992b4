"""/api/v1/reports/ (API.md, "Reports"): 202 at once, the worker's snapshot, who may
read what, bad filters, and the same request joining a pending build."""

import pytest

from outcomes import surveys
from reports import builds
from reports.models import Report, ReportStatus, SurveyedCourse
from tests.outcomes.outcome_support import recorded_session

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


def surveyed(clinician, rating="very_satisfied", protocol="mesolift"):
    course = recorded_session(clinician, protocol=protocol).course
    surveys.record_survey(actor=clinician, course=course, rating=rating)
    return course


def test_a_manager_asks_and_the_build_is_a_snapshot(
    api_for, manager_a, clinician_a, django_capture_on_commit_callbacks
):
    surveyed(clinician_a, "very_satisfied")
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_for(manager_a).post(URL, {"kind": "meso_report"}, format="json")
    assert answer.status_code == 202, answer.content
    assert answer.json()["status"] in {"pending", "done"}  # eager without a broker
    report = api_for(manager_a).get(f"{URL}{answer.json()['id']}/").json()
    assert report["status"] == "done"
    assert report["requested_by"] == manager_a.username
    result = report["result"]
    assert result["patients"] == 1
    lift = result["by_protocol"]["mesolift"]
    assert (lift["less_satisfied"], lift["satisfied"], lift["very_satisfied"]) == (0, 0, 1)
    assert lift["share"]["very_satisfied"] == 1.0
    assert lift["ci95"]["very_satisfied"][0] == pytest.approx(0.2065, abs=1e-3)
    assert "by_practice" not in result and "lot_safety" in result
    assert result["completion"]["mesolift"]["by_sessions"]["1"] == 1


def test_rollup_follows_the_survey_and_later_sessions(clinician_a):
    course = surveyed(clinician_a, "satisfied")
    row = SurveyedCourse.objects.get(course=course)
    assert (row.protocol, row.rating, row.sessions_completed) == ("mesolift", "satisfied", 1)
    recorded_session(clinician_a, course=course)
    row.refresh_from_db()
    assert row.sessions_completed == 2


def test_a_clinician_is_refused(api_a):
    assert api_a.post(URL, {"kind": "meso_report"}, format="json").status_code == 403
    assert api_a.get(URL).status_code == 403


def test_another_practices_report_is_not_found(api_for, manager_a, manager_b):
    answer = api_for(manager_a).post(URL, {"kind": "meso_report"}, format="json")
    assert api_for(manager_b).get(f"{URL}{answer.json()['id']}/").status_code == 404
    listed = api_for(manager_b).get(URL).json()
    assert str(answer.json()["id"]) not in str(listed)
    assert answer.json()["id"] in str(api_for(manager_a).get(URL).json())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({}, "kind"),
        ({"kind": "meso_report", "protocol": "botox"}, "protocol"),
        ({"kind": "meso_report", "from": "2026-02-30"}, "from"),
        ({"kind": "meso_report", "from": "2026-03-01", "to": "2026-02-01"}, "to"),
        ({"kind": "meso_report", "sex": ["female"]}, "sex"),
        ({"kind": "meso_report", "min_sessions": 9}, "min_sessions"),
        ({"kind": "meso_report", "min_sessions": True}, "min_sessions"),
        ({"kind": "meso_report", "age_band": "99+"}, "age_band"),
        ({"kind": "meso_report", "lot": "not-a-uuid"}, "lot"),
        ({"kind": "meso_report", "colour": "red"}, "colour"),
    ],
)
def test_bad_filters_answer_400_by_field(api_for, manager_a, body, field):
    answer = api_for(manager_a).post(URL, body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in str(answer.json())
    assert not Report.objects.exists()


def test_another_practice_as_filter_is_unknown(api_for, manager_a, practice_b):
    answer = api_for(manager_a).post(
        URL, {"kind": "meso_report", "practice": str(practice_b.pk)}, format="json"
    )
    assert answer.status_code == 400
    assert "practice" in str(answer.json())


def test_the_same_request_joins_the_pending_build(manager_a):
    first, new = builds.request_report(manager_a, {"kind": "meso_report", "sex": "female"})
    again, new_again = builds.request_report(manager_a, {"sex": "female", "kind": "meso_report"})
    assert (new, again.pk, new_again) == (True, first.pk, False)
    Report.objects.all().delete()
    pending = Report.objects.create(
        kind="meso_report",
        practice=manager_a.practice,
        network=manager_a.practice.network,
        parameters={"sex": "female"},
        request_key=first.request_key,
        requested_by=manager_a,
    )
    joined, new = builds.request_report(manager_a, {"sex": "female", "kind": "meso_report"})
    assert (joined.pk, new) == (pending.pk, False)


def test_a_finished_report_never_changes(manager_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = builds.request_report(manager_a, {"kind": "meso_report"})
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(result={"patients": 99})


def test_network_admin_gets_the_suppressed_comparison(
    api_for, network_admin, clinician_a, django_capture_on_commit_callbacks
):
    for _ in range(3):
        surveyed(clinician_a, "satisfied")
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_for(network_admin).post(URL, {"kind": "meso_report"}, format="json")
    report = api_for(network_admin).get(f"{URL}{answer.json()['id']}/").json()
    rows = report["result"]["by_practice"]
    mine = next(r for r in rows if r["practice"] == str(clinician_a.practice_id))
    assert mine["suppressed"] is True
    assert mine["by_protocol"]["mesolift"]["satisfied"] is None
    # A network of one practice: its totals are that practice's counts, hidden too.
    network = report["result"]["by_protocol"]["mesolift"]
    assert network["suppressed"] is True and network["satisfied"] is None
    assert network["share"]["satisfied"] is None and report["result"]["patients"] is None
    assert all(q["by_protocol"]["mesolift"]["patients"] is None for q in report["result"]["trend"])


def _rows(practice, count, rating, on):
    from datetime import date

    SurveyedCourse.objects.bulk_create(
        SurveyedCourse(
            practice=practice,
            network_id=practice.network_id,
            protocol="mesohair",
            sex="female",
            age_band="30-39",
            sessions_completed=8,
            surveyed_on=date.fromisoformat(on),
            rating=rating,
            synthetic=True,
        )
        for _ in range(count)
    )


def test_the_networks_totals_show_and_its_small_quarters_do_not(
    api_for, network_admin, practice_a, django_capture_on_commit_callbacks
):
    from tests.factories import PracticeFactory

    second = PracticeFactory(network=practice_a.network, slug="second")
    for practice in (practice_a, second):
        _rows(practice, 30, "satisfied", "2015-02-01")
        _rows(practice, 20, "very_satisfied", "2015-05-01")
        _rows(practice, 15, "less_satisfied", "2015-08-01")
    _rows(practice_a, 3, "very_satisfied", "2015-11-01")  # one small quarter
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_for(network_admin).post(URL, {"kind": "meso_report"}, format="json")
    result = api_for(network_admin).get(f"{URL}{answer.json()['id']}/").json()["result"]
    hair = result["by_protocol"]["mesohair"]
    assert (hair["patients"], hair["very_satisfied"], hair["suppressed"]) == (133, 43, False)
    assert result["patients"] == 133
    quarters = {q["quarter"]: q["by_protocol"]["mesohair"] for q in result["trend"]}
    assert quarters["2015-Q4"]["very_satisfied"] is None
    assert quarters["2015-Q4"]["share"]["very_satisfied"] is None
    # Its partner in the same column: 43 minus the shown quarters would give it away.
    others = [q for label, q in quarters.items() if label != "2015-Q4"]
    assert any(q["very_satisfied"] is None for q in others)


def test_the_rollup_agrees_with_a_rebuild_from_the_clinical_tables(clinician_a):
    from reports import rollup

    first = surveyed(clinician_a, "satisfied")
    recorded_session(clinician_a, course=first)
    surveyed(clinician_a, "less_satisfied", protocol="mesohair")
    fields = ("course_id", "protocol", "sex", "age_band", "sessions_completed", "rating")
    kept = sorted(SurveyedCourse.objects.values_list(*fields))
    assert rollup.rebuild() == 2
    assert sorted(SurveyedCourse.objects.values_list(*fields)) == kept
    assert {row[4] for row in kept} == {1, 2}
