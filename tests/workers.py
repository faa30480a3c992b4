"""A real Celery worker for the tests that need one (Redis, and PostgreSQL for a worker
that reads the test's rows): a subprocess on the test's own database, stopped whatever
happens, with its log in a file the failure message shows. Used by the reports' kill
test, the round trip of tests/mesoplan/test_celery.py and the fault tests (tests/faults/)."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from django.db import connection

from mesoplan.celery import app

ROOT = Path(__file__).resolve().parents[1]


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


def worker_database_url() -> str:
    """DATABASE_URL naming the database this test writes (pytest-django's test_ name)."""
    return (
        urlparse(os.environ["DATABASE_URL"])
        ._replace(path="/" + connection.settings_dict["NAME"])
        .geturl()
    )


def purge(*queues: str) -> None:
    """Nothing left over in these queues from an earlier run."""
    with app.connection_for_write() as broker:
        for queue in queues:
            broker.default_channel.queue_purge(queue)


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def wait_until_ready(self, timeout: float = 60) -> None:
        wait_for(lambda: " ready." in self.output(), timeout, "the worker to start", self.log)

    def kill_pool_child(self) -> int:
        """SIGKILL of the pool child running the task (concurrency 1); returns its pid
        once it is gone. The main process survives and starts a new child."""
        (child,) = wait_for(lambda: pool_children(self.pid), 10, "the pool child", self.log)
        os.kill(child, signal.SIGKILL)
        wait_for(lambda: child not in pool_children(self.pid), 10, "the child to die", self.log)
        return child


@contextmanager
def running_worker(
    *queues: str,
    log: Path,
    env: dict[str, str] | None = None,
    on_test_database: bool = True,
    pool: str = "prefork",
    concurrency: int = 1,
    beat_schedule: Path | None = None,
    loglevel: str = "INFO",
) -> Iterator[Worker]:
    """A worker on `queues` (with an embedded beat when `beat_schedule` is given); while
    it runs, this process publishes to Redis instead of running tasks in-process."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoplan.settings",
        "DJANGO_DEBUG": "1",  # the test-only pauses are honoured only with DEBUG on
        **({"DATABASE_URL": worker_database_url()} if on_test_database else {}),
        **(env or {}),
    }
    command = [
        *(sys.executable, "-m", "celery", "-A", "mesoplan", "worker"),
        *("-Q", ",".join(queues), "--pool", pool, "--concurrency", str(concurrency)),
        *("--without-gossip", "--without-mingle", f"--loglevel={loglevel}"),
        *(("-B", "--schedule", str(beat_schedule)) if beat_schedule else ()),
    ]
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT
        )
    worker = Worker(process, log)
    try:
        yield worker
    finally:
        app.conf.task_always_eager = eager
        leftovers = pool_children(process.pid)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        for leftover in leftovers + pool_children(process.pid):
            with suppress(ProcessLookupError):
                os.kill(leftover, signal.SIGKILL)
