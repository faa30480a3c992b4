"""Database guards for append-only records (STYLE.md): the database itself refuses to
rewrite a clinical record or an audit entry, whatever the code above it does.

Use in a migration: `operations = [append_only_guard("app_table", ...)]`. On PostgreSQL
UPDATE and DELETE are refused by a trigger (TRUNCATE, for test resets and a supervised
erasure, stays possible); on the embedded SQLite set-up UPDATE is refused (DELETE stays
possible so that test databases can be flushed).
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mesoplan_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'append-only clinical record: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


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
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'append-only record: UPDATE is not allowed'); END;"
            )


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
