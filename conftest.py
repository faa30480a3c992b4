"""Suite-wide fixtures and the service markers.

Tests marked `postgres` run when DATABASE_URL points at PostgreSQL, `redis` when
CELERY_BROKER_URL points at Redis; otherwise they are skipped with the reason, and the
summary says plainly which ran. With MESOPLAN_REQUIRE_SERVICES=1 (CI) a missing service
fails the run instead of skipping.

Tests marked `faults` stop and start this machine's PostgreSQL or Redis, or kill a
worker, to prove the app rides it out; they all live in tests/faults/. They never run
beside parallel tests that need those services: `make test` deselects them in its
parallel run (`-m "not faults"`) and runs them afterwards in a serial phase of their own
(`-p no:xdist -m faults tests/faults`) when DATABASE_URL and CELERY_BROKER_URL point at
PostgreSQL and Redis. Collected under several xdist workers, or where the services
cannot be controlled (not this machine's 127.0.0.1:5432 and :6379, commands missing),
they are skipped with the reason; with MESOPLAN_REQUIRE_SERVICES=1 that fails the run.
"""

import os
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop + live_server

# Hypothesis profiles. "dev" keeps Hypothesis' defaults (a 200 ms deadline and every
# health check), so a slow rule shows up where it is written. "ci" runs on loaded
# machines with every core busy (pytest-xdist, PostgreSQL, a Celery worker): timing says
# nothing there, so no deadline and no too_slow health check; a failure prints the blob
# that reproduces it. CI=true or HYPOTHESIS_PROFILE=ci selects it (.ci/run sets the latter).
# Both from Hypothesis' own defaults: with CI set, the current default is already
# Hypothesis' built-in ci profile, which would otherwise leak into "dev".
_defaults = settings.get_profile("default")
settings.register_profile("dev", parent=_defaults)
settings.register_profile(
    "ci",
    parent=_defaults,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev")
)

_DB_URL = os.environ.get("DATABASE_URL", "")
_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
HAS_POSTGRES = urlparse(_DB_URL).scheme in ("postgres", "postgresql", "pgsql", "psql")
HAS_REDIS = urlparse(_BROKER_URL).scheme in ("redis", "rediss")
REQUIRE_SERVICES = os.environ.get("MESOPLAN_REQUIRE_SERVICES") == "1"
SERVICE_MARKERS = ("postgres", "redis", "browser", "faults")


def why_faults_cannot_run() -> str | None:
    if not (HAS_POSTGRES and HAS_REDIS):
        return (
            "needs PostgreSQL and Redis: DATABASE_URL=postgres://..., CELERY_BROKER_URL=redis://..."
        )
    if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0) > 1:
        return (
            "runs only in a serial run (make test's faults phase: -p no:xdist -m faults): "
            "it stops services that parallel tests use"
        )
    from tests.faults.services import why_services_cannot_be_controlled

    return why_services_cannot_be_controlled(_DB_URL, _BROKER_URL)


def flushes_without_restoring(item) -> bool:
    """A transactional test flushes the database after itself. Without serialized
    rollback the flush re-runs post_migrate (content types, permissions) and drops the
    migrations' reference data, so the next serialized test in that worker fails to
    restore it, or the next one finds no formulation: every transactional test restores."""
    mark = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if "transactional_db" in fixtures or "live_server" in fixtures:
        return mark is None or not mark.kwargs.get("serialized_rollback")
    if mark is None or not mark.kwargs.get("transaction"):
        return False
    return not mark.kwargs.get("serialized_rollback")


# After pytest's own -m/-k deselection: a fault test left out of this run is not checked.
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    unsafe = [item.nodeid for item in items if flushes_without_restoring(item)]
    if unsafe:
        raise pytest.UsageError(
            "django_db(transaction=True) needs serialized_rollback=True: " + ", ".join(unsafe)
        )
    missing = {
        "postgres": None if HAS_POSTGRES else "needs PostgreSQL: set DATABASE_URL=postgres://...",
        "redis": None if HAS_REDIS else "needs Redis: set CELERY_BROKER_URL=redis://...",
    }
    for item in items:
        for marker, reason in missing.items():
            if reason and item.get_closest_marker(marker):
                if REQUIRE_SERVICES:
                    raise pytest.UsageError(f"{item.nodeid} {reason} (MESOPLAN_REQUIRE_SERVICES=1)")
                item.add_marker(pytest.mark.skip(reason=reason))
    faults = [item for item in items if item.get_closest_marker("faults")]
    strays = [item.nodeid for item in faults if not item.nodeid.startswith("tests/faults/")]
    if strays:  # make test's faults phase collects that folder only
        raise pytest.UsageError("faults-marked tests belong in tests/faults/: " + ", ".join(strays))
    reason = why_faults_cannot_run() if faults else None
    if reason:
        if REQUIRE_SERVICES:
            names = ", ".join(item.nodeid for item in faults)
            raise pytest.UsageError(f"{names}: {reason} (MESOPLAN_REQUIRE_SERVICES=1)")
        for item in faults:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    counts = dict.fromkeys(SERVICE_MARKERS, 0)
    skipped = dict.fromkeys(SERVICE_MARKERS, 0)
    for key in ("passed", "skipped"):
        for rep in stats.get(key, []):
            for marker in counts:
                if marker in getattr(rep, "keywords", {}):
                    (counts if key == "passed" else skipped)[marker] += 1
    terminalreporter.section("MesoPlan services")
    db = "PostgreSQL" if HAS_POSTGRES else "SQLite"
    broker = "Redis with a real worker" if HAS_REDIS else "in-process (eager) tasks"
    terminalreporter.write_line(f"database: {db}; tasks: {broker}")
    deselected = sum(
        1
        for item in stats.get("deselected", [])
        if hasattr(item, "get_closest_marker") and item.get_closest_marker("faults")
    )
    markexpr = terminalreporter.config.getoption("markexpr") or ""
    for marker in counts:
        line = f"{marker}-marked tests: {counts[marker]} passed, {skipped[marker]} skipped"
        if marker == "faults" and deselected:
            later = " (left for the serial faults phase)" if "not faults" in markexpr else ""
            line += f", {deselected} deselected{later}"
        terminalreporter.write_line(line)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 0) or getattr(
        terminalreporter.config.option, "numprocesses", None
    )
    if markexpr.strip() == "faults":
        phase = "the fault tests"
    elif "not faults" in markexpr:
        phase = "the suite without the fault tests"
    else:
        phase = "the suite"
    parallel = f"in parallel ({workers} workers)" if workers else "serially"
    terminalreporter.write_line(f"phase: {phase}, {parallel}")


# --- Tenancy fixtures used across the suite: two users of practice A, one of practice B ---
@pytest.fixture
def practice_a(db):
    from tests.factories import PracticeFactory

    return PracticeFactory(name="Practice A", slug="practice-a")


@pytest.fixture
def practice_b(db):
    from tests.factories import PracticeFactory

    return PracticeFactory(name="Practice B", slug="practice-b")


@pytest.fixture
def clinician_a(practice_a):
    from tests.factories import ClinicianFactory

    return ClinicianFactory(practice=practice_a, username="clin_a", first_name="Lena")


@pytest.fixture
def manager_a(practice_a):
    from tests.factories import ManagerFactory

    return ManagerFactory(practice=practice_a, username="mgr_a")


@pytest.fixture
def manager_b(practice_b):
    from tests.factories import ManagerFactory

    return ManagerFactory(practice=practice_b, username="mgr_b")


@pytest.fixture
def clinician_b(practice_b):
    from tests.factories import ClinicianFactory

    return ClinicianFactory(practice=practice_b, username="clin_b")


@pytest.fixture
def network_admin(practice_a):
    from tests.factories import NetworkAdminFactory

    return NetworkAdminFactory(network=practice_a.network, username="netadmin")


def _api_client_for(user):
    from rest_framework.test import APIClient

    from tests.factories import api_key_for

    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.fixture
def api_a(clinician_a):
    return _api_client_for(clinician_a)


@pytest.fixture
def api_b(clinician_b):
    return _api_client_for(clinician_b)


@pytest.fixture
def api_for(db):
    return _api_client_for


@pytest.fixture
def browser_a(client, clinician_a):
    client.force_login(clinician_a)
    return client


@pytest.fixture
def browser_b(client, clinician_b):
    client.force_login(clinician_b)
    return client


@pytest.fixture
def as_manager(client, manager_a):
    client.force_login(manager_a)
    return client


# --- A patient ready to book a skin course (the calendar's and the lots' tests) --------
@pytest.fixture
def ready_patient(clinician_a):
    from patients import services
    from tests.factories import PatientFactory

    patient = PatientFactory(practice=clinician_a.practice, first_name="Clara", last_name="Engel")
    services.create_screening(
        actor=clinician_a,
        patient=patient,
        indication="skin",
        informed_consent=True,
        expectations_acknowledged=True,
    )
    return patient
