"""`make load`: a bounded load test of the clinic day (docs/deployment.md, "Load").

A fresh PostgreSQL database (LOAD_DB, default mesoplan_load) is migrated and seeded
with the demo (`seed_demo`); gunicorn (LOAD_WEB_WORKERS), a Celery worker on every queue
and beat start on loopback with Redis; a tiny webhook receiver takes the deliveries; then
locust runs headless (LOAD_USERS users, LOAD_RATE per second, for LOAD_TIME) with
load/locustfile.py. Whatever happens, everything started here is stopped. Results:
var/load/locust_*.csv (locust --csv), var/load/summary.txt (the table printed at the end)
and each process's log under var/load/.
"""

import csv
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "var" / "load"
BIN = Path(sys.executable).parent

USERS = int(os.environ.get("LOAD_USERS", "50"))
RATE = int(os.environ.get("LOAD_RATE", "10"))
DURATION = os.environ.get("LOAD_TIME", "2m")
WEB_WORKERS = int(os.environ.get("LOAD_WEB_WORKERS", "3"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
RECEIVER_PORT = PORT + 1
DB = os.environ.get("LOAD_DB", "mesoplan_load")
PG = os.environ.get("LOAD_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379")
REDIS_DBS = (11, 12)  # broker, cache: numbers of their own, emptied before the run
PASSWORD = "mesoplan-demo"
HOST = f"http://127.0.0.1:{PORT}"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def app_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoplan.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG}/{DB}",
        "CELERY_BROKER_URL": f"{REDIS}/{REDIS_DBS[0]}",
        "CACHE_URL": f"{REDIS}/{REDIS_DBS[1]}",
        "PHOTO_STORAGE_OPTIONS": json.dumps({"location": str(OUT / "photos"), "base_url": None}),
        "DJANGO_LOG_LEVEL": "WARNING",
        "LOAD_PASSWORD": PASSWORD,
        "LOAD_WEBHOOK_URL": f"http://127.0.0.1:{RECEIVER_PORT}/hook",
    }
    for test_only in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(test_only, None)
    return env


def step(what: str, command: list[str], env: dict[str, str]) -> None:
    started = time.monotonic()
    log = OUT / f"{what}.log"
    with log.open("w") as out:
        result = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode:
        raise SystemExit(f"{what} failed ({result.returncode}): see {log}")
    print(f"{what}: {time.monotonic() - started:.1f} s", flush=True)


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-qc", sql], check=True)


def start(name: str, command: list[str], env: dict[str, str], running: list) -> None:
    out = (OUT / f"{name}.log").open("w")
    # A session of its own: stopping its process group stops its children (gunicorn's
    # and Celery's workers) too, and nothing else.
    running.append(
        (
            name,
            subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
            ),
        )
    )


def stop(running: list) -> None:
    for _name, process in reversed(running):
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for name, process in reversed(running):
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop: killed", flush=True)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(url: str, running: list, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        for name, process in running:
            if process.poll() is not None:
                raise SystemExit(f"{name} exited ({process.returncode}): see {OUT / name}.log")
        try:
            with urllib.request.urlopen(request, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def static_is_stale() -> bool:
    manifest = ROOT / "var" / "static" / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max(path.stat().st_mtime for path in (ROOT / "static").rglob("*") if path.is_file())
    return newest > manifest.stat().st_mtime


def empty_redis() -> None:
    import redis

    for number in REDIS_DBS:
        redis.Redis.from_url(f"{REDIS}/{number}").flushdb()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def server_side() -> list[str]:
    """Per endpoint from gunicorn's access log: the worker's time, apart from queueing."""
    times: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    for line in (OUT / "access.log").read_text().splitlines():
        method, path, status, micros = line.split()
        endpoint = f"{method} {UUID.sub('{id}', path)}"
        times.setdefault(endpoint, []).append(int(micros) / 1000)
        errors[endpoint] = errors.get(endpoint, 0) + (status.startswith("5"))
    lines = [
        "",
        "Server side (gunicorn's own time per request, without the wait for a free worker):",
        "",
        "| endpoint | requests | 5xx | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for endpoint, values in sorted(times.items(), key=lambda item: -len(item[1])):
        lines.append(
            f"| {endpoint} | {len(values)} | {errors[endpoint]} | "
            f"{_percentile(values, 0.5):.0f} | {_percentile(values, 0.95):.0f} | "
            f"{_percentile(values, 0.99):.0f} |"
        )
    return lines


def summary() -> str:
    with (OUT / "locust_stats.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    lines = [
        f"# make load: {USERS} users, {RATE}/s ramp, {DURATION}, {WEB_WORKERS} gunicorn workers",
        "",
        "| kind | requests | errors | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sorted(rows, key=lambda r: (r["Name"] == "Aggregated", r["Name"])):
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} | "
            f"{float(row['Max Response Time']):.0f} |"
        )
    failures = OUT / "locust_failures.csv"
    if failures.exists():
        with failures.open() as handle:
            found = list(csv.DictReader(handle))
        if found:
            lines += ["", "Errors:", ""]
            lines += [
                f"- {f['Occurrences']} x {f['Method']} {f['Name']}: {f['Error']}" for f in found
            ]
    return "\n".join(lines + server_side())


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*"):  # the last run's results, logs and photos
        if old.is_file():
            old.unlink()
    shutil.rmtree(OUT / "photos", ignore_errors=True)
    env = app_env()
    python = str(BIN / "python")
    running: list = []
    try:
        psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{DB}"')
        empty_redis()
        step("migrate", [python, "manage.py", "migrate", "--noinput", "-v0"], env)
        step("seed_demo", [python, "manage.py", "seed_demo", "--password", PASSWORD], env)
        if static_is_stale():  # whitenoise compresses every file: a minute and more
            step("collectstatic", [python, "manage.py", "collectstatic", "--noinput", "-v0"], env)
        start("receiver", [python, "load/receiver.py", str(RECEIVER_PORT)], env, running)
        start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "mesoplan.wsgi:application",
                "--bind",
                f"127.0.0.1:{PORT}",
                "--workers",
                str(WEB_WORKERS),
                "--timeout",
                "30",
                "--access-logfile",
                str(OUT / "access.log"),
                # Method, path, status and the worker's own time (microseconds): what
                # the request cost once a worker took it, without the wait for one.
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(D)s",
            ],
            env,
            running,
        )
        celery = [str(BIN / "celery"), "-A", "mesoplan"]
        start(
            "worker",
            [
                *celery,
                "worker",
                "-Q",
                "celery,webhooks,reports",
                "--concurrency",
                "2",
                "--loglevel",
                "WARNING",
                "-n",
                f"load-{os.getpid()}@%h",
            ],
            env,
            running,
        )
        start(
            "beat",
            [
                *celery,
                "beat",
                "--schedule",
                str(OUT / "celerybeat-schedule"),
                "--loglevel",
                "WARNING",
            ],
            env,
            running,
        )
        wait_for(f"{HOST}/healthz", running)
        wait_for(f"http://127.0.0.1:{RECEIVER_PORT}/count", running)
        print(f"locust: {USERS} users, {RATE}/s, {DURATION} against {HOST}", flush=True)
        locust = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                "load/locustfile.py",
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(RATE),
                "-t",
                DURATION,
                "--host",
                HOST,
                "--csv",
                str(OUT / "locust"),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        time.sleep(6)  # a beat sweep (every 5 s) for the last deliveries
        with urllib.request.urlopen(f"http://127.0.0.1:{RECEIVER_PORT}/count", timeout=5) as answer:
            received = json.load(answer)
        table = summary() + (
            f"\n\nWebhook deliveries received: {received['deliveries']} "
            f"({received['messages']} distinct messages)\n"
        )
        (OUT / "summary.txt").write_text(table)
        print("\n" + table, flush=True)
        return locust.returncode
    finally:
        stop(running)
        if not os.environ.get("LOAD_KEEP_DB"):
            psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    sys.exit(main())
