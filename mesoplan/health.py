"""Liveness of the parts a request depends on: the database and the Celery broker."""

from django.conf import settings
from django.db import connection


def check_database() -> str | None:
    """None when healthy, else a short reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


def check_broker() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return None  # embedded set-up: tasks run in-process
    from kombu import Connection

    try:
        # The settings' socket timeout too: without it an unreachable host (not a
        # refused port) holds the check for the system's minutes-long connect timeout.
        options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


def health_report() -> tuple[bool, dict]:
    database = check_database()
    broker = check_broker()
    report = {
        "database": {"ok": database is None, "error": database} if database else {"ok": True},
        "broker": (
            {"ok": broker is None, "error": broker}
            if broker
            else {"ok": True, "mode": "redis" if settings.CELERY_BROKER_URL else "in-process"}
        ),
    }
    return database is None and broker is None, report
