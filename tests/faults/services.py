"""Stopping and starting this machine's PostgreSQL and Redis for the fault tests, with
the machine's own commands, and always bringing them back: other test runs share them.
Each helper waits until the service answers again (or fails loudly if it does not)."""

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

REDIS_PORT = 6379
REDIS_START = [
    *("redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1"),
    *("--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"),
    *("--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"),
]
COMMANDS = ("pg_ctlcluster", "pg_isready", "redis-server", "redis-cli")


def _cluster() -> str:
    versions = sorted(p.name for p in Path("/etc/postgresql").iterdir())
    return versions[-1]


def _pg_ctl(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", action],
        check=True,
        timeout=60,
        capture_output=True,
    )


def postgres_answers() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], timeout=10).returncode == 0


def redis_answers() -> bool:
    found = subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, timeout=10
    )
    return found.stdout.strip() == "PONG"


def _until(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} after {timeout} s")
        time.sleep(0.1)


def why_services_cannot_be_controlled(database_url: str, broker_url: str) -> str | None:
    """None when the fault tests can stop and start both services here."""
    missing = [name for name in COMMANDS if shutil.which(name) is None]
    if missing:
        return "needs this machine's service commands: " + ", ".join(missing)
    if not Path("/etc/postgresql").is_dir():
        return "needs a PostgreSQL cluster under /etc/postgresql"
    database, broker = urlparse(database_url), urlparse(broker_url)
    if (database.hostname, database.port or 5432) != ("127.0.0.1", 5432):
        return "needs DATABASE_URL at this machine's PostgreSQL (127.0.0.1:5432)"
    if (broker.hostname, broker.port or 6379) != ("127.0.0.1", REDIS_PORT):
        return f"needs CELERY_BROKER_URL at this machine's Redis (127.0.0.1:{REDIS_PORT})"
    return None


def start_redis() -> None:
    if not redis_answers():
        Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
        Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
        subprocess.run(REDIS_START, check=True, timeout=30, capture_output=True)
    _until(redis_answers, "Redis does not answer")


@contextmanager
def redis_stopped() -> Iterator[None]:
    """Redis down for the block's duration (keep it to seconds), back whatever happens."""
    subprocess.run(
        ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],
        capture_output=True,
        timeout=30,
    )
    try:
        _until(lambda: not redis_answers(), "Redis still answers", timeout=10)
        yield
    finally:
        start_redis()


def start_postgres() -> None:
    if not postgres_answers():
        _pg_ctl("start")
    _until(postgres_answers, "PostgreSQL does not answer")


def restart_postgres() -> None:
    """A fast restart (every session is cut), then back whatever happens."""
    try:
        _pg_ctl("restart")
    finally:
        start_postgres()
