"""The app's own PostgreSQL role: it owns no table, so it cannot disable the append-only
triggers; it may not TRUNCATE; it cannot rewrite clinical or history rows."""

import pytest
from django.core.management import call_command
from django.db import connection

from mesoplan.append_only import append_only_tables
from patients import services
from tests.factories import PatientFactory

ROLE = "mesoplan_app_test"


@pytest.fixture
def app_connection(db):  # transactional by the test's mark: the role sees committed rows
    import psycopg

    call_command("grant_app_role", ROLE)
    settings = connection.settings_dict
    conn = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=ROLE,
        autocommit=True,
    )
    yield conn
    conn.close()


def _refused(conn, statement: str) -> str:
    import psycopg

    with pytest.raises(psycopg.Error) as info:
        conn.execute(statement)
    return str(info.value)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_app_role_owns_nothing_and_cannot_rewrite_records(app_connection, clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    conn = app_connection
    # It works: reads, and appends.
    assert conn.execute("SELECT count(*) FROM patients_screening").fetchone()[0] == 1
    owned = conn.execute(
        "SELECT count(*) FROM pg_tables WHERE schemaname='public' AND tableowner=%s", [ROLE]
    ).fetchone()[0]
    assert owned == 0
    # It cannot rewrite clinical, history or audit rows, nor empty or unguard a table.
    # Every append-only table, from the one registry (15 of them; 4 before).
    tables = append_only_tables()
    assert "clinical_sessions_sessionrecord" in tables and "outcomes_survey" in tables
    for table in tables:
        assert "permission denied" in _refused(conn, f"UPDATE {table} SET id = id")
        assert "permission denied" in _refused(conn, f"DELETE FROM {table}")
        assert "permission denied" in _refused(conn, f"TRUNCATE {table}")
        assert "must be owner" in _refused(conn, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    assert "permission denied" in _refused(conn, "TRUNCATE patients_patient")
    assert "permission denied" in _refused(conn, "SET session_replication_role = replica")


@pytest.mark.postgres
def test_history_rows_are_append_only_even_for_the_owner(db, clinician_a):
    from django.db import IntegrityError, transaction

    patient = PatientFactory(practice=clinician_a.practice)
    services.update_patient(actor=clinician_a, patient=patient, first_name="Changed")
    with pytest.raises(IntegrityError), transaction.atomic():
        patient.history.all().update(first_name="Rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        patient.history.all().delete()
    assert patient.history.count() == 2


def test_history_rows_cannot_be_updated_on_sqlite_either(db, clinician_a):
    from django.db import DatabaseError, transaction

    patient = PatientFactory(practice=clinician_a.practice, first_name="Original")
    services.update_patient(actor=clinician_a, patient=patient, first_name="Changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        patient.history.all().update(first_name="Rewritten")
    assert set(patient.history.values_list("first_name", flat=True)) == {"Original", "Changed"}
