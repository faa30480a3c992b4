"""A pytest plugin for `make mutation` only (`pytest_add_cli_args` in pyproject's
[tool.mutmut]): the test database is migrated once and copied for every mutant.

mutmut runs each mutant's tests in a fresh pytest session, and pytest-django creates the
in-memory SQLite test database again in each: every migration, 10 to 20 seconds on a busy
2-core machine, for tests that take a fraction of a second. Here the first session (mutmut's
stats run) migrates as usual and saves the database to a file in mutants/ (removed by
`make mutation`, so a run never reuses another day's schema); every later session restores
it into its own in-memory database with SQLite's backup API, well under a second. Anything
but one SQLite alias falls back to pytest-django's own set-up.
"""

from __future__ import annotations

import os
import sqlite3
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]  # mutants/, where mutmut runs the tests
TEMPLATE = Path(os.environ.get("MUTATION_TEST_DB") or ROOT / "mutation-test-db.sqlite3")
ACTIVE = ROOT.name == "mutants" or "MUTATION_TEST_DB" in os.environ


def _single_sqlite_alias() -> bool:
    from django.conf import settings

    databases = settings.DATABASES
    return (
        ACTIVE
        and list(databases) == ["default"]
        and databases["default"]["ENGINE"].endswith("sqlite3")
    )


def _django_db_setup_from_template(request, django_db_blocker):
    from django.conf import settings
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if not _single_sqlite_alias() or not TEMPLATE.exists():
        with django_db_blocker.unblock():
            config = setup_databases(
                verbosity=0,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
            )
            if _single_sqlite_alias() and not TEMPLATE.exists():
                partial = TEMPLATE.with_suffix(f".{os.getpid()}.tmp")
                target = sqlite3.connect(partial)
                connections["default"].ensure_connection()
                connections["default"].connection.backup(target)
                target.close()
                partial.replace(TEMPLATE)
        yield
        with django_db_blocker.unblock():
            teardown_databases(config, verbosity=0)
        return

    connection = connections["default"]
    original = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        connection.close()
        test_name = connection.creation._get_test_db_name()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = test_name
        connection.ensure_connection()
        source = sqlite3.connect(TEMPLATE)
        source.backup(connection.connection)
        source.close()
        if "default" in serialized_aliases:
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        connection.close()
        settings.DATABASES["default"]["NAME"] = connection.settings_dict["NAME"] = original


@pytest.fixture(scope="session", name="django_db_setup")
def _template_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    yield from _django_db_setup_from_template(request, django_db_blocker)


def pytest_configure(config):
    # Registered after pytest-django, so that this `django_db_setup` overrides its own (of
    # two plugins' fixtures the later one wins).
    holder = types.ModuleType("mutation_db_fixtures")
    holder.django_db_setup = _template_db_setup  # type: ignore[attr-defined]
    config.pluginmanager.register(holder, "mutation_db_fixtures")
