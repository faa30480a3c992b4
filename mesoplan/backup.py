"""Backups that restore (docs/deployment.md, "Backups"): the database and the stored
photos in one directory with a manifest, and their restore into a fresh database.

A backup directory holds `database.dump` (PostgreSQL: `pg_dump -Fc`) or
`database.sqlite3` (SQLite's online backup API), `photos.tar` (every file of the
`photos` storage, through the storage API, so an object store works too) and
`manifest.json`: when, the rows of every table, the applied migrations, each photo's
size and SHA-256, the dump's SHA-256, and the roles its grants name. The rows are
counted in the very snapshot pg_dump reads, so the restore can check them exactly while
the app keeps writing during the backup. Photos are copied after the snapshot, so every
photo a row of the snapshot names is in the archive (photos are append-only).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
PHOTOS = "photos.tar"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
PHOTO_MODEL = "outcomes.Photo"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    tables: int
    rows: int
    photos: int
    unapplied_migrations: list[str]


# --- Helpers shared by both directions -------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _storage_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file name in the storage, sorted (listdir works on files and object stores)."""
    try:
        dirs, files = storage.listdir(directory)
    except FileNotFoundError:  # a local storage's directory appears with its first photo
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(dirs):
        yield from _storage_files(storage, f"{directory}/{sub}" if directory else sub)


def _pg_env(database: Mapping[str, Any]) -> dict[str, str]:
    """libpq's environment for pg_dump/pg_restore: no password on a command line."""
    env = {**os.environ, "PGDATABASE": database["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if database.get(key):
            env[var] = str(database[key])
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _pg_connect(database: Mapping[str, Any], dbname: str | None = None, **kwargs):
    import psycopg

    return psycopg.connect(
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        dbname=dbname or database["NAME"],
        **kwargs,
    )


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"{command[0]} failed ({result.returncode}): {result.stderr.strip()}")


def _quoted(table: str) -> str:
    return '"' + table.replace('"', '""') + '"'


def _count_rows(cursor, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _photo_table_and_column() -> tuple[str, str]:
    model = apps.get_model(PHOTO_MODEL)
    return model._meta.db_table, model._meta.get_field("image").column


# --- Backup -----------------------------------------------------------------------------
def _pg_snapshot_state(cursor) -> dict[str, Any]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    # The roles named in the tables' grants other than their owner: roles are the
    # cluster's, not the database's, so a restore needs them to exist already.
    cursor.execute(
        "SELECT DISTINCT acl.grantee::regrole::text FROM pg_class c, aclexplode(c.relacl) acl "
        "WHERE c.relnamespace = 'public'::regnamespace AND acl.grantee <> 0 "
        "AND acl.grantee <> c.relowner ORDER BY 1"
    )
    roles = [row[0] for row in cursor.fetchall()]
    return {"tables": tables, "roles": roles}


def _backup_postgres(database: Mapping[str, Any], directory: Path) -> dict[str, Any]:
    """pg_dump in the snapshot of a transaction that also counts the rows."""
    import psycopg

    with _pg_connect(database) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            dump = str(directory / PG_DUMP)
            state = _pg_snapshot_state(cursor)
            _run(
                ["pg_dump", "-Fc", "--no-password", f"--snapshot={snapshot}", "-f", dump],
                env=_pg_env(database),
            )
            counts = _count_rows(cursor, state["tables"])
            state["migrations"] = _migrations(cursor)
            state["photo_names"] = _referenced_photos(cursor)
    return {**state, "file": PG_DUMP, "tables": counts}


def _backup_sqlite(alias: str, directory: Path) -> dict[str, Any]:
    """SQLite's online backup API: a consistent copy while others read and write."""
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(directory / SQLITE_COPY)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    copy = sqlite3.connect(directory / SQLITE_COPY)
    try:
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        tables = [row[0] for row in cursor.fetchall()]
        return {
            "file": SQLITE_COPY,
            "tables": _count_rows(cursor, tables),
            "roles": [],
            "migrations": _migrations(cursor),
            "photo_names": _referenced_photos(cursor),
        }
    finally:
        copy.close()


def _migrations(cursor) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [list(row) for row in cursor.fetchall()]


def _referenced_photos(cursor) -> list[str]:
    table, column = _photo_table_and_column()
    cursor.execute(f"SELECT {_quoted(column)} FROM {_quoted(table)} ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _archive_photos(storage: Storage, path: Path) -> list[dict[str, Any]]:
    entries = []
    with tarfile.open(path, "w") as archive:
        for name in _storage_files(storage):
            with storage.open(name, "rb") as handle, tempfile.TemporaryFile() as spool:
                digest = hashlib.sha256()
                while block := handle.read(1 << 20):
                    digest.update(block)
                    spool.write(block)
                size = spool.tell()
                spool.seek(0)
                info = tarfile.TarInfo(name)
                info.size = size
                info.mode = 0o600
                archive.addfile(info, spool)
            entries.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    return entries


def create_backup(destination: Path, *, storage: Storage, using: str = "default") -> dict:
    """Backs up the database `using` and every file of `storage` into `destination` (a
    directory that must not exist yet), and returns the manifest. The directory appears
    only once complete: it is written as `<destination>.partial` and renamed."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists already: back up into a new directory.")
    partial = destination.with_name(destination.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    connection = connections[using]
    started = datetime.now(UTC)
    try:
        if connection.vendor == "postgresql":
            database = _backup_postgres(connection.settings_dict, partial)
        elif connection.vendor == "sqlite":
            database = _backup_sqlite(using, partial)
        else:
            raise BackupError(f"No backup for {connection.vendor} databases.")
        referenced = database.pop("photo_names")
        photos = _archive_photos(storage, partial / PHOTOS)
        missing = sorted(set(referenced) - {entry["name"] for entry in photos})
        if missing:
            raise BackupError(
                f"{len(missing)} photo(s) the database names are not in the photo storage, "
                f"e.g. {missing[0]}: the storage is not the one the app writes to."
            )
        manifest = {
            "format": FORMAT,
            "created_at": started.isoformat(),
            "finished_at": datetime.now(UTC).isoformat(),
            "vendor": connection.vendor,
            "database": {
                "file": database["file"],
                "size": (partial / database["file"]).stat().st_size,
                "sha256": _sha256(partial / database["file"]),
                "tables": database["tables"],
                "rows": sum(database["tables"].values()),
            },
            "migrations": database["migrations"],
            "roles": database["roles"],
            "photos": {
                "file": PHOTOS,
                "count": len(photos),
                "referenced": len(referenced),
                "bytes": sum(entry["size"] for entry in photos),
                "files": photos,
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        os.chmod(partial, 0o700)  # patient data: the operator's eyes only
        partial.rename(destination)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return manifest


# --- Verify and restore -------------------------------------------------------------------
def read_manifest(source: Path) -> dict:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} has no {MANIFEST}: not a complete MesoPlan backup.")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')!r}; this version reads {FORMAT}.")
    return manifest


def verify_backup(source: Path) -> dict:
    """Checks the files of a backup against its manifest (the dump's checksum, each
    photo's size and checksum) without restoring anything, and returns the manifest."""
    source = Path(source)
    manifest = read_manifest(source)
    dump = source / manifest["database"]["file"]
    if not dump.is_file() or _sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError(f"{dump} is missing or does not match the manifest's checksum.")
    expected = {entry["name"]: entry for entry in manifest["photos"]["files"]}
    seen = set()
    with tarfile.open(source / manifest["photos"]["file"], "r") as archive:
        for member in archive:
            entry = expected.get(member.name)
            handle = archive.extractfile(member)
            if entry is None or handle is None:
                raise BackupError(f"{member.name} in the photo archive is not in the manifest.")
            digest = hashlib.sha256(handle.read()).hexdigest()
            if digest != entry["sha256"] or member.size != entry["size"]:
                raise BackupError(f"Photo {member.name} does not match the manifest.")
            seen.add(member.name)
    if seen != set(expected):
        raise BackupError(f"{len(set(expected) - seen)} photo(s) missing from the archive.")
    return manifest


def _pg_restore(manifest: dict, source: Path, database: Mapping[str, Any], force: bool) -> dict:
    from psycopg import sql

    name = database["NAME"]
    with _pg_connect(database, dbname="postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        present = {
            row[0]
            for row in admin.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [manifest["roles"]]
            )
        }
    missing = [role for role in manifest["roles"] if role not in present]
    if missing:
        raise BackupError(
            f"The backup grants to role(s) {', '.join(missing)}, which this PostgreSQL "
            "cluster lacks (roles belong to the cluster, not to a dump): create them first, "
            "e.g. CREATE ROLE mesoplan_app LOGIN PASSWORD '...', then restore again."
        )
    with _pg_connect(database) as conn:
        tables = conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]
    if tables and not force:
        raise BackupError(
            f"Database {name} is not empty ({tables} tables): restore into a new database, "
            "or pass --force to replace what it holds."
        )
    command = ["pg_restore", "--no-password", "--exit-on-error", "--single-transaction"]
    if tables:
        command += ["--clean", "--if-exists"]
    _run([*command, "-d", name, str(source / manifest["database"]["file"])], _pg_env(database))
    with _pg_connect(database) as conn, conn.cursor() as cursor:
        state = {
            "tables": _count_rows(cursor, list(manifest["database"]["tables"])),
            "migrations": _migrations(cursor),
        }
    return state


def _sqlite_restore(manifest: dict, source: Path, database: Mapping[str, Any], force: bool):
    target_path = Path(database["NAME"])
    if target_path.exists() and target_path.stat().st_size:
        probe = sqlite3.connect(target_path)
        try:
            tables = probe.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
        finally:
            probe.close()
        if tables and not force:
            raise BackupError(
                f"{target_path} is not empty ({tables} tables): restore into a new file, "
                "or pass --force to replace what it holds."
            )
    target_path.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(source / manifest["database"]["file"])
    target = sqlite3.connect(target_path)
    try:
        copy.backup(target)  # replaces every page of the target: the copy, triggers and all
        cursor = target.cursor()
        return {
            "tables": _count_rows(cursor, list(manifest["database"]["tables"])),
            "migrations": _migrations(cursor),
        }
    finally:
        target.close()
        copy.close()


def _restore_photos(manifest: dict, source: Path, storage: Storage, force: bool) -> int:
    expected = {entry["name"]: entry for entry in manifest["photos"]["files"]}
    restored = 0
    with tarfile.open(source / manifest["photos"]["file"], "r") as archive:
        for member in archive:
            handle = archive.extractfile(member)
            if handle is None or member.name not in expected:
                raise BackupError(f"{member.name} in the photo archive is not in the manifest.")
            if storage.exists(member.name):
                with storage.open(member.name, "rb") as present:
                    same = hashlib.sha256(present.read()).hexdigest()
                if same == expected[member.name]["sha256"]:
                    restored += 1
                    continue
                if not force:
                    raise BackupError(
                        f"Photo {member.name} exists in the storage with other content: "
                        "restore into an empty storage, or pass --force."
                    )
                storage.delete(member.name)
            stored = storage.save(member.name, File(handle, name=member.name))
            if stored != member.name:
                raise BackupError(f"The storage saved {member.name} as {stored}.")
            restored += 1
    return restored


def restore_backup(
    source: Path, *, database: Mapping[str, Any], vendor: str, storage: Storage, force: bool = False
) -> Restored:
    """Restores the backup in `source` into `database` (a Django DATABASES entry; created
    when it does not exist on PostgreSQL) and its photos into `storage`. Refuses a
    database that holds tables, or a photo of other content, unless `force`. Afterwards
    every table's rows are counted against the manifest."""
    source = Path(source)
    manifest = verify_backup(source)
    if manifest["vendor"] != vendor:
        raise BackupError(f"A {manifest['vendor']} backup cannot be restored into {vendor}.")
    if vendor == "postgresql":
        state = _pg_restore(manifest, source, database, force)
    else:
        state = _sqlite_restore(manifest, source, database, force)
    if state["tables"] != manifest["database"]["tables"]:
        wrong = [t for t, n in manifest["database"]["tables"].items() if state["tables"][t] != n]
        raise BackupError(f"Restored row counts differ from the manifest in: {', '.join(wrong)}")
    if state["migrations"] != manifest["migrations"]:
        raise BackupError("The restored migration state differs from the manifest's.")
    photos = _restore_photos(manifest, source, storage, force)
    return Restored(
        tables=len(state["tables"]),
        rows=sum(state["tables"].values()),
        photos=photos,
        unapplied_migrations=_unapplied(state["migrations"]),
    )


def _unapplied(applied: list[list[str]]) -> list[str]:
    """The code's migrations the restored database has not applied (an older backup)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = {tuple(row) for row in applied}
    return sorted(
        f"{app}.{name}" for app, name in loader.disk_migrations if (app, name) not in done
    )
