"""Issue 16.B.3: one registry of append-only models (mesoplan.append_only) that the
database's guards and the app role's grants both follow: every registered table has its
trigger, and every table with a trigger is registered, on SQLite and PostgreSQL."""

import pytest
from django.db import connection

from mesoplan.append_only import append_only_tables

pytestmark = pytest.mark.django_db


def guarded_tables() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger "
                "WHERE tgname LIKE '%%\\_append\\_only' AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE '%\\_append\\_only' ESCAPE '\\'"
            )
        return {row[0] for row in cursor.fetchall()}


def test_every_registered_table_is_guarded_and_every_guarded_one_registered():
    assert guarded_tables() == set(append_only_tables())


def test_the_registry_holds_the_clinical_records():
    tables = set(append_only_tables())
    for table in (
        "clinical_sessions_sessionrecord",
        "clinical_sessions_pass",
        "outcomes_photo",
        "patients_photographyconsent",
        "mesoplan_auditentry",
    ):
        assert table in tables
