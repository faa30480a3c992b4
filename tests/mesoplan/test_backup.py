"""Backups that restore (mesoplan/backup.py): records, audit entries and photos backed up
by `manage.py backup`, restored by `manage.py restore` into a fresh database and photo
storage, and found there again, with the append-only guards (and on PostgreSQL the app
role's grants) still in force."""

import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection

from mesoplan import backup
from mesoplan.models import AuditEntry
from mesoplan.storage import photo_storage
from outcomes import photos
from outcomes.models import Photo
from patients.models import Patient, Screening
from sessions.models import SessionRecord
from tests.outcomes.outcome_support import consent, image_bytes, recorded_session, upload

ROOT = Path(__file__).resolve().parents[2]
ROLE = "mesoplan_app_test"
MODELS = (Patient, Screening, SessionRecord, AuditEntry, Photo)
TABLES = [model._meta.db_table for model in MODELS]
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The photo storage of this test process is shared with other tests, whose files stay
# after their rows are flushed: a backup archives them all, the database names ours.


def seed(clinician) -> list[Photo]:
    """Two patients with a screening and a recorded session each, one with two photos;
    the services write the audit entries."""
    first = recorded_session(clinician)
    recorded_session(clinician, protocol="mesohair")
    consent(clinician, first.patient)
    return [
        photos.add_photo(
            actor=clinician,
            session_record=first,
            phase=phase,
            region="forehead",
            upload=upload(image_bytes("PNG", size=(40 + n, 30))),
        )
        for n, phase in enumerate(("before", "after"))
    ]


def rows(cursor) -> dict[str, list[tuple]]:
    found = {}
    for table in TABLES:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")
        found[table] = [tuple(row) for row in cursor.fetchall()]
    return found


def restore_command(source: Path, database_url: str, photos_dir: Path, *extra: str):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mesoplan.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url,
        "PHOTO_STORAGE_OPTIONS": json.dumps({"location": str(photos_dir), "base_url": None}),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", "--from", str(source), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_photos_equal(stored: list[Photo], photos_dir: Path) -> None:
    restored = FileSystemStorage(location=photos_dir)
    for photo in stored:
        name = photo.image.name
        with photo_storage().open(name, "rb") as original, restored.open(name, "rb") as copy:
            assert copy.read() == original.read()


# --- SQLite: the online backup API -----------------------------------------------------
@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite backup (this run's database is PostgreSQL)")


@transactional
def test_sqlite_backup_restores_into_a_new_file_with_records_photos_and_guards(
    sqlite_only, clinician_a, tmp_path
):
    stored = seed(clinician_a)
    before = rows(connection.connection.cursor())
    assert all(before[table] for table in TABLES)

    call_command("backup", to=tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["photos"]["referenced"] == 2
    assert manifest["photos"]["count"] == len(list(backup._storage_files(photo_storage())))
    assert manifest["database"]["tables"]["clinical_sessions_sessionrecord"] == 2
    assert ["outcomes", "0001_initial"] in manifest["migrations"]

    target = tmp_path / "restored.sqlite3"
    result = restore_command(tmp_path / "backup", f"sqlite:///{target}", tmp_path / "photos")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{manifest['photos']['count']} photos" in result.stdout
    assert "newer than the backup" not in result.stdout

    # Django's converters (timestamps, decimals) read both sides alike.
    restored = sqlite3.connect(
        target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
    )
    assert rows(restored.cursor()) == before
    assert_photos_equal(stored, tmp_path / "photos")
    for table in ("clinical_sessions_sessionrecord", "patients_screening", "mesoplan_auditentry"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            restored.execute(f"UPDATE {table} SET id = id")
    restored.close()

    # A second restore into the now filled file is refused, and nothing is touched.
    again = restore_command(tmp_path / "backup", f"sqlite:///{target}", tmp_path / "photos")
    assert again.returncode != 0 and "not empty" in again.stderr
    restored = sqlite3.connect(
        target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
    )
    assert rows(restored.cursor()) == before
    restored.close()


@transactional
def test_a_damaged_photo_or_dump_fails_the_check_before_anything_is_restored(
    sqlite_only, clinician_a, tmp_path
):
    seed(clinician_a)
    source = tmp_path / "backup"
    backup.create_backup(source, storage=photo_storage())
    assert backup.verify_backup(source)["photos"]["referenced"] == 2
    assert not (tmp_path / "backup.partial").exists()

    with tarfile.open(source / "photos.tar") as archive:
        first = archive.getmembers()[0]
    with (source / "photos.tar").open("r+b") as handle:  # flip a byte of the first photo
        handle.seek(first.offset_data + 20)
        byte = handle.read(1)
        handle.seek(first.offset_data + 20)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(backup.BackupError, match=f"Photo {first.name} does not match"):
        backup.verify_backup(source)
    target = tmp_path / "restored.sqlite3"
    with pytest.raises(backup.BackupError):
        backup.restore_backup(
            source,
            database={"NAME": target},
            vendor="sqlite",
            storage=FileSystemStorage(location=tmp_path / "photos"),
        )
    assert not target.exists()

    (source / "database.sqlite3").write_bytes(b"not a database")
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.verify_backup(source)


@transactional
def test_a_backup_into_an_existing_directory_is_refused(sqlite_only, clinician_a, tmp_path):
    (tmp_path / "backup").mkdir()
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.create_backup(tmp_path / "backup", storage=photo_storage())


# --- PostgreSQL: pg_dump -Fc and pg_restore ----------------------------------------------
@pytest.fixture
def restored_database():
    """A database name that does not exist yet (the restore creates it), dropped after."""
    name = connection.settings_dict["NAME"] + "_restored"
    settings = {**connection.settings_dict, "NAME": name}

    def drop():
        with backup._pg_connect(settings, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    yield settings
    drop()


def database_url(settings: dict) -> str:
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"


@pytest.mark.postgres
@transactional
def test_postgres_backup_restores_into_a_fresh_database_with_grants_and_guards(
    clinician_a, tmp_path, restored_database
):
    import psycopg

    call_command("grant_app_role", ROLE)  # the grants a real deployment's tables carry
    stored = seed(clinician_a)
    with backup._pg_connect(connection.settings_dict) as source:
        before = rows(source.cursor())
    assert all(before[table] for table in TABLES)

    call_command("backup", to=tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert ROLE in manifest["roles"]
    assert manifest["photos"]["referenced"] == 2

    url = database_url(restored_database)
    result = restore_command(tmp_path / "backup", url, tmp_path / "photos")
    assert result.returncode == 0, result.stdout + result.stderr

    with backup._pg_connect(restored_database, autocommit=True) as restored:
        assert rows(restored.cursor()) == before
        for table in ("clinical_sessions_sessionrecord", "patients_screening"):
            for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
                with pytest.raises(psycopg.Error, match="append-only"):
                    restored.execute(statement)
    assert_photos_equal(stored, tmp_path / "photos")

    # The app role's grants came with the dump: it reads and appends, never rewrites.
    as_app = {**restored_database, "USER": ROLE, "PASSWORD": ""}
    with backup._pg_connect(as_app, autocommit=True) as app:
        count = app.execute("SELECT count(*) FROM clinical_sessions_sessionrecord").fetchone()
        assert count[0] == 2
        for table in ("clinical_sessions_sessionrecord", "patients_screening"):
            with pytest.raises(psycopg.Error, match="permission denied"):
                app.execute(f"UPDATE {table} SET id = id")
        updatable = app.execute(
            "SELECT has_table_privilege('patients_patient', 'UPDATE')"
        ).fetchone()
        assert updatable[0] is True

    # A filled database is refused without --force; with it, replaced by the backup.
    again = restore_command(tmp_path / "backup", url, tmp_path / "photos")
    assert again.returncode != 0 and "not empty" in again.stderr
    forced = restore_command(tmp_path / "backup", url, tmp_path / "photos", "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr
    with backup._pg_connect(restored_database) as restored:
        assert rows(restored.cursor()) == before
