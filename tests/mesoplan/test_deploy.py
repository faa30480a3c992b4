"""Production settings and the deployment file."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoplan.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k" * 20 + "production-like-secret-" + "z9" * 20,
        "DJANGO_ALLOWED_HOSTS": "mesoplan.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    for test_only in ("DJANGO_SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(test_only, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "mesoplan.settings"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_compose_wires_web_worker_beat_to_one_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    app_services = [services[name] for name in ("web", "worker", "beat")]
    urls = set()
    for service in app_services:
        env = service["environment"]
        urls.add((env["DATABASE_URL"], env["CELERY_BROKER_URL"]))
        assert env["DJANGO_SECRET_KEY"]
        assert set(service["depends_on"]) >= {"postgres", "redis"}
    assert len(urls) == 1, "web, worker and beat must share one database and one broker"
    database_url, broker_url = urls.pop()
    assert "@postgres:5432/" in database_url and broker_url.startswith("redis://redis:6379")
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]
    assert "healthcheck" in services["web"]


def test_compose_migrates_once_in_a_job_that_web_worker_and_beat_wait_for():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    migrate = services["migrate"]
    command = " ".join(migrate["command"])
    assert "manage.py migrate --noinput && python manage.py grant_app_role mesoplan_app" in command
    assert migrate["restart"] == "no", "a job runs once and exits"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The job migrates as the tables' owner; the processes connect as the app role.
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://mesoplan:")
    for name in ("web", "worker", "beat"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://mesoplan_app:"), name
    for name in ("web", "worker", "beat"):
        service = services[name]
        condition = service["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
        assert "migrate" not in " ".join(service["command"]), f"{name} must not migrate itself"


def test_compose_puts_a_buffering_proxy_in_front_of_gunicorn():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert "ports" not in services["web"], "gunicorn is reached only through the proxy"
    proxy = services["proxy"]
    assert proxy["depends_on"]["web"]["condition"] == "service_healthy"
    assert any("deploy/nginx.conf" in volume for volume in proxy["volumes"])
    assert services["web"]["environment"]["DJANGO_PROXY_COUNT"] == "1"
    # Photos are state: on a volume the web replicas share, not in a container's layer.
    assert "photos:/app/var/photos" in services["web"]["volumes"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    for directive in (
        "proxy_request_buffering on;",
        "proxy_buffering on;",
        "client_max_body_size 1m;",
        "client_body_timeout 15s;",
        "proxy_pass http://mesoplan_web;",
    ):
        assert directive in conf


def test_nginx_lets_only_the_photo_uploads_carry_a_photo():
    """The proxy's 1m limit is the app's, except on the photo upload URLs, where it
    covers PHOTO_UPLOAD_MAX_BODY as the request guard does (tests/outcomes/test_photos.py
    proves the guard)."""
    import re
    import uuid

    from django.conf import settings
    from django.urls import reverse

    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    located = re.search(r'location ~ "([^"]+)" \{(.*?)\}', conf, re.S)
    assert located, "a regex location for the photo uploads"
    pattern, block = located.groups()
    size = re.search(r"client_max_body_size (\d+)m;", block)
    assert size and int(size.group(1)) * 1024 * 1024 >= settings.PHOTO_UPLOAD_MAX_BODY
    assert "proxy_pass http://mesoplan_web;" in block
    some = uuid.uuid4()
    uploads = [
        reverse("session-photos", kwargs={"appointment_pk": some}),
        reverse("calendar:session-photo-add", kwargs={"record_pk": some}),
    ]
    others = [
        reverse("session-measures", kwargs={"appointment_pk": some}),
        reverse("patient-list"),
        reverse("calendar:session-measures", kwargs={"record_pk": some}),
        reverse("session-photos", kwargs={"appointment_pk": some}) + "x/",
        "/api/v1/appointments/../patients/session/photos/",
    ]
    for path in uploads:  # nginx matches a regex location anywhere in the URI, as search
        assert re.search(pattern, path), path
    for path in others:
        assert not re.search(pattern, path), path


def compose_environment(service: dict) -> dict[str, str]:
    """A service's environment as compose resolves it: `${VAR:-default}` gives the
    default, `${VAR:?message}` a stand-in (the operator must set it)."""
    resolved = {}
    for name, value in service["environment"].items():
        value = str(value)
        for match in re.finditer(r"\$\{(\w+)(?::-([^}]*)|:\?[^}]*)?\}", value):
            value = value.replace(match.group(0), match.group(2) or "x" * 50)
        resolved[name] = value
    return resolved


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_web_healthcheck_passes_against_gunicorn_with_the_compose_environment(tmp_path):
    """The compose file's healthcheck, run as it is against gunicorn started with the web
    service's environment (debug off, its allowed hosts, the SSL redirect on, one proxy).
    Only the addresses of PostgreSQL and Redis are this machine's: compose's `postgres`
    and `redis` hosts exist only inside compose."""
    web = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]
    env = {**os.environ, **compose_environment(web)}
    env["DATABASE_URL"] = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL", "")
    env["CACHE_URL"] = "locmemcache://healthcheck"
    env.pop("DJANGO_SETTINGS_MODULE", None)  # the suite's test settings: not for gunicorn
    assert env["DJANGO_DEBUG"] == "0" and env["DJANGO_SECURE_SSL_REDIRECT"] == "1"
    port = free_port()
    env["HEALTHCHECK_PORT"] = str(port)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "mesoplan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    command = web["healthcheck"]["test"]
    assert command[0] == "CMD"
    try:
        deadline = time.monotonic() + 30
        while True:
            result = subprocess.run(
                [sys.executable if part == "python" else part for part in command[1:]],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )
            if result.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert result.returncode == 0, result.stderr
        # The bare request the old healthcheck made is refused: this is what it prevents.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert refused.value.code == 400  # DisallowedHost
    finally:
        server.terminate()
        server.wait(timeout=10)
