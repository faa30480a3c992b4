"""`manage.py restore --from DIR`: a backup of `manage.py backup` into the configured
database (DATABASE_URL; a fresh one, unless --force) and photo storage, checked against
its manifest (mesoplan/backup.py; docs/deployment.md, "Backups")."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from mesoplan import backup
from mesoplan.storage import photo_storage


class Command(BaseCommand):
    help = "Restore a backup into a fresh database and photo storage, and check it."
    # The target may not exist yet: nothing may touch the database before the restore.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace what a non-empty database (and differing photos) hold",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="only verify the backup's files against its manifest; restore nothing",
        )

    def handle(self, *args, source: Path, force: bool, check: bool, **options):
        started = time.monotonic()
        try:
            if check:
                manifest = backup.verify_backup(source)
                self.stdout.write(
                    f"{source}: intact ({manifest['database']['rows']:,} rows, "
                    f"{manifest['photos']['count']} photos, made {manifest['created_at']})."
                )
                return
            connection = connections["default"]
            restored = backup.restore_backup(
                source,
                database=connection.settings_dict,
                vendor=connection.vendor,
                storage=photo_storage(),
                force=force,
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {source} in {time.monotonic() - started:.1f} s: {restored.tables} tables, "
            f"{restored.rows:,} rows and {restored.photos} photos, as the manifest counts them."
        )
        if restored.unapplied_migrations:
            self.stdout.write(
                f"{len(restored.unapplied_migrations)} migrations of this code are newer than "
                "the backup: run `manage.py migrate`, then grant_app_role."
            )
        if connection.vendor == "postgresql":
            self.stdout.write(
                "Grants came with the dump; after any migrate run "
                "`manage.py grant_app_role mesoplan_app` as usual."
            )
