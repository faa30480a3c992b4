"""`manage.py backup --to DIR`: the database and the stored photos, with a manifest
(mesoplan/backup.py; docs/deployment.md, "Backups")."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mesoplan import backup
from mesoplan.storage import photo_storage


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc or SQLite's backup API) and the photos into DIR."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="a new directory to create")

    def handle(self, *args, to: Path, **options):
        started = time.monotonic()
        try:
            manifest = backup.create_backup(to, storage=photo_storage())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        database, photos = manifest["database"], manifest["photos"]
        self.stdout.write(
            f"Backed up to {to} in {time.monotonic() - started:.1f} s: "
            f"{database['file']} {database['size']:,} bytes, {len(database['tables'])} tables, "
            f"{database['rows']:,} rows; {photos['count']} photos, {photos['bytes']:,} bytes; "
            f"{len(manifest['migrations'])} migrations applied."
        )
