"""PostgreSQL restarted between two requests (issue 19, "Faults"): a gunicorn sync
worker, as deployed (docker-compose.yml), keeps its database connection between requests
(CONN_MAX_AGE); the restart cuts it, and the next request still succeeds because Django
checks a persistent connection before reusing it (CONN_HEALTH_CHECKS, mesoplan/settings.py).
Without the check that request is a 500. Django's test client never closes or checks
connections between requests, and live_server closes them after each: hence gunicorn."""

import json
import os
import socket
import subprocess
import sys
import urllib.request

import pytest
from django.db import connection

from tests.factories import api_key_for
from tests.faults.services import restart_postgres, start_postgres
from tests.workers import ROOT, wait_for, worker_database_url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_sessions() -> set[int]:
    """The backends of other sessions on this test database: the web worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return {pid for (pid,) in cursor.fetchall()}


@pytest.mark.faults
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_postgres_restart_the_next_request_succeeds_on_a_new_connection(
    clinician_a, ready_patient, tmp_path
):
    token = api_key_for(clinician_a)
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoplan.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": worker_database_url(),
        "DATABASE_CONN_MAX_AGE": "600",
    }
    log = tmp_path / "gunicorn.log"

    def patients() -> tuple[int, list[str]]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/patients/",
            headers={"Authorization": f"Token {token}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as answer:
                body = json.loads(answer.read())
                return answer.status, [row["id"] for row in body["results"]]
        except urllib.error.HTTPError as error:
            return error.code, []

    def answers() -> bool:
        try:
            return patients()[0] == 200
        except OSError:
            return False

    with log.open("w") as output:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "mesoplan.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(answers, 60, "gunicorn to answer", log)
        before = server_sessions()
        assert patients() == (200, [str(ready_patient.pk)])
        assert server_sessions() == before and len(before) == 1  # one connection, kept

        restart_postgres()
        connection.close()  # this test's own session was cut too

        assert patients() == (200, [str(ready_patient.pk)])  # the very next request
        after = server_sessions()
        assert len(after) == 1 and after.isdisjoint(before)  # on a new connection
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        start_postgres()
        connection.close()
