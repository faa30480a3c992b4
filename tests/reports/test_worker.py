"""A report build on the worker (reports.tasks, reports.builds): a worker killed half way
through a build leaves nothing half-built and the broker hands the build out again; a
build that fails says why and stays failed."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

from mesoplan.celery import app
from reports import builds
from reports.models import Report, ReportStatus
from reports.tasks import QUEUE
from tests.reports.test_reports_api import URL, surveyed

ROOT = Path(__file__).resolve().parents[2]
BUILD_DELAY_S = 6  # each attempt sleeps this long inside its transaction


def wait_for(condition, timeout: float, what: str, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    shown = log.read_text()[-4000:] if log and log.exists() else ""
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{shown}")


def pool_children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


def status_of(report_id):
    return Report.objects.values_list("status", "attempts", "result").get(pk=report_id)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_build_leaves_nothing_half_built_and_the_build_is_redone(
    api_for, manager_a, clinician_a, tmp_path
):
    surveyed(clinician_a, "very_satisfied")
    # The worker reads the test database this test writes (pytest-django's test_ name).
    database_url = urlparse(os.environ["DATABASE_URL"])._replace(
        path="/" + connection.settings_dict["NAME"]
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoplan.settings",
        "DJANGO_DEBUG": "1",  # the build-delay hook is honoured only with DEBUG on
        "DATABASE_URL": database_url.geturl(),
        builds.BUILD_DELAY_ENV: str(BUILD_DELAY_S),
    }
    with app.connection_for_write() as broker:  # nothing left over from an earlier run
        broker.default_channel.queue_purge(QUEUE)
    log = tmp_path / "worker.log"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # the request's on-commit enqueue goes to Redis
    with log.open("w") as output:
        worker = subprocess.Popen(
            [
                *(sys.executable, "-m", "celery", "-A", "mesoplan", "worker"),
                *("-Q", QUEUE, "--concurrency", "1", "--pool", "prefork"),
                *("--without-gossip", "--without-mingle", "--loglevel=INFO"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        answer = api_for(manager_a).post(URL, {"kind": "meso_report"}, format="json")
        assert answer.status_code == 202, answer.content
        report_id = answer.json()["id"]
        key = Report.objects.get(pk=report_id).request_key

        wait_for(lambda: status_of(report_id)[0] == "running", 90, "the build to start", log)
        (child,) = wait_for(lambda: pool_children(worker.pid), 10, "the pool child", log)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: child not in pool_children(worker.pid), 10, "the child to die", log)

        # The killed attempt's transaction is gone with its connection: nothing stored.
        # (The new child may already have taken the redelivered build: attempt 2, still
        # inside its first BUILD_DELAY_S, so still nothing stored.)
        status, attempts, result = status_of(report_id)
        assert (status, result) == ("running", None) and attempts in (1, 2)
        assert Report.objects.get(pk=report_id).built_at is None

        # The main process starts a new child; the rejected message comes back at once.
        wait_for(
            lambda: status_of(report_id)[0] == "done", 60, "the redelivered build to finish", log
        )
        status, attempts, result = status_of(report_id)
        assert attempts == 2
        assert result is not None and result["patients"] == 1
        assert Report.objects.filter(request_key=key).count() == 1
        assert worker.poll() is None, "the worker's main process survives its child"
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
        for leftover in pool_children(worker.pid):
            os.kill(leftover, signal.SIGKILL)


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
