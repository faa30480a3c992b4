"""Database guards for append-only records (docs/conventions.md): the database itself refuses to
rewrite a clinical record or an audit entry, whatever the code above it does.

Use in a migration: `operations = [append_only_guard("app_table", ...)]`. On PostgreSQL
UPDATE and DELETE are refused by a trigger (TRUNCATE, for test resets and a supervised
erasure, stays possible); on the embedded SQLite set-up UPDATE is refused (DELETE stays
possible so that test databases can be flushed).
"""

from django.apps import apps
from django.db import migrations

# Every append-only model, by label: the one registry that the app role's grants
# (`manage.py grant_app_role`) and the guards' test (tests/mesoplan/test_append_only_registry.py)
# read, so a new record kind cannot get its trigger and miss its REVOKE, or the reverse.
APPEND_ONLY_MODELS = (
    "mesoplan.AuditEntry",
    "patients.Screening",
    "patients.ScreeningAcknowledgement",
    "patients.HistoricalPatient",
    "patients.PhotographyConsent",
    "clinical_sessions.PreSessionCheck",
    "clinical_sessions.SessionRecord",
    "clinical_sessions.SessionAmendment",
    "clinical_sessions.Pass",
    "clinical_sessions.AdverseEvent",
    "clinical_sessions.AdverseEventLot",
    "clinical_sessions.AdverseEventFollowUp",
    "outcomes.OutcomeMeasure",
    "outcomes.Photo",
    "outcomes.Survey",
)


def append_only_tables() -> list[str]:
    """The tables of the append-only models, sorted."""
    return sorted(apps.get_model(label)._meta.db_table for label in APPEND_ONLY_MODELS)


PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mesoplan_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'append-only clinical record: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def sqlite_guard(trigger: str, table: str) -> str:
    return (
        f"CREATE TRIGGER {trigger} BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'append-only record: UPDATE is not allowed'); END;"
    )


def install_guards(schema_editor, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # its % are PL/pgSQL, not placeholders
        for table in tables:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION mesoplan_append_only();"
            )
    elif vendor == "sqlite":
        for table in tables:
            schema_editor.execute(sqlite_guard(f"{table}_append_only", table))


def remove_guards(schema_editor, tables: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")


def append_only_guard(*tables: str) -> migrations.RunPython:
    """A migration operation that installs the guard on `tables` (and removes it when the
    migration is reversed; the shared trigger function stays for other tables)."""

    def forward(apps, schema_editor):
        install_guards(schema_editor, list(tables))

    def backward(apps, schema_editor):
        remove_guards(schema_editor, list(tables))

    return migrations.RunPython(forward, backward)


def rename_guard(schema_editor, table: str, old: str, new: str) -> None:
    """Renames the guard on `table` from `<old>_append_only` to `<new>_append_only`.
    PostgreSQL and SQLite both keep a trigger on its table through ALTER TABLE ... RENAME,
    so a renamed table needs only its guard's name brought up to date."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TRIGGER {old}_append_only ON {table} RENAME TO {new}_append_only;"
        )
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {old}_append_only;")
        schema_editor.execute(sqlite_guard(f"{new}_append_only", table))


def append_only_guards_moved(tables: dict[str, str]) -> migrations.RunPython:
    """A migration operation, placed after the renames of `tables` ({old table: new
    table}), that names their guards after the new tables. Reversed, it runs before the
    tables get their old names back, so in both directions the guard is on `new`."""

    def forward(apps, schema_editor):
        for old, new in tables.items():
            rename_guard(schema_editor, new, old, new)

    def backward(apps, schema_editor):
        for old, new in tables.items():
            rename_guard(schema_editor, new, new, old)

    return migrations.RunPython(forward, backward)
