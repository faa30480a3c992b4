"""A report build on the worker (reports.tasks, reports.builds): a worker killed half way
through a build leaves nothing half-built and the broker hands the build out again; a
build that fails says why and stays failed."""

import pytest

from reports import builds
from reports.models import Report, ReportStatus
from reports.tasks import QUEUE
from tests.reports.test_reports_api import URL, surveyed
from tests.workers import purge, running_worker, wait_for

BUILD_DELAY_S = 6  # each attempt sleeps this long inside its transaction


def status_of(report_id):
    return Report.objects.values_list("status", "attempts", "result").get(pk=report_id)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_build_leaves_nothing_half_built_and_the_build_is_redone(
    api_for, manager_a, clinician_a, tmp_path
):
    surveyed(clinician_a, "very_satisfied")
    purge(QUEUE)  # nothing left over from an earlier run
    env = {builds.BUILD_DELAY_ENV: str(BUILD_DELAY_S)}
    with running_worker(QUEUE, log=tmp_path / "worker.log", env=env) as worker:
        # The request's on-commit enqueue goes to Redis (through the outbox).
        answer = api_for(manager_a).post(URL, {"kind": "meso_report"}, format="json")
        assert answer.status_code == 202, answer.content
        report_id = answer.json()["id"]
        key = Report.objects.get(pk=report_id).request_key

        wait_for(lambda: status_of(report_id)[0] == "running", 90, "the build to start", worker.log)
        worker.kill_pool_child()

        # The killed attempt's transaction is gone with its connection: nothing stored.
        # (The new child may already have taken the redelivered build: attempt 2, still
        # inside its first BUILD_DELAY_S, so still nothing stored.)
        status, attempts, result = status_of(report_id)
        assert (status, result) == ("running", None) and attempts in (1, 2)
        assert Report.objects.get(pk=report_id).built_at is None

        # The main process starts a new child; the rejected message comes back at once.
        wait_for(
            lambda: status_of(report_id)[0] == "done",
            60,
            "the redelivered build to finish",
            worker.log,
        )
        status, attempts, result = status_of(report_id)
        assert attempts == 2
        assert result is not None and result["patients"] == 1
        assert Report.objects.filter(request_key=key).count() == 1
        assert worker.process.poll() is None, "the worker's main process survives its child"


@pytest.mark.django_db
def test_a_failed_build_says_why_and_stays_failed(
    api_for, manager_a, monkeypatch, django_capture_on_commit_callbacks
):
    real_compute = builds.compute

    def broken(report, as_of):
        raise ZeroDivisionError("no patients to divide by")

    monkeypatch.setattr(builds, "compute", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report, new = builds.request_report(manager_a, {"kind": "meso_report"})
    assert new
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "ZeroDivisionError" in report.error and "no patients to divide by" in report.error
    assert report.built_at is not None and report.result is None
    assert report.attempts == 1
    shown = api_for(manager_a).get(f"{URL}{report.pk}/").json()
    assert (shown["status"], shown["result"]) == ("failed", None)
    assert "ZeroDivisionError" in shown["error"]

    # Built again (a redelivered task) with a working compute: it stays as it failed.
    monkeypatch.setattr(builds, "compute", real_compute)
    assert builds.build(str(report.pk)) == ReportStatus.FAILED
    again = Report.objects.get(pk=report.pk)
    assert (again.status, again.error, again.built_at, again.attempts, again.result) == (
        report.status,
        report.error,
        report.built_at,
        1,
        None,
    )
    # A new request is a new build, not the failed one.
    with django_capture_on_commit_callbacks(execute=True):
        fresh, new = builds.request_report(manager_a, {"kind": "meso_report"})
    fresh.refresh_from_db()
    assert new and fresh.pk != report.pk and fresh.status == ReportStatus.DONE
