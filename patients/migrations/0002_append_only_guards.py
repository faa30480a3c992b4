"""Database guard for append-only clinical records (STYLE.md): the database itself
refuses to rewrite a screening or an acknowledgement. On PostgreSQL DELETE is refused
too (TRUNCATE, for test resets and a supervised erasure, stays possible); on the
embedded SQLite set-up UPDATE is refused."""

from django.db import migrations

TABLES = ["patients_screening", "patients_screeningacknowledgement"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mesoplan_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'append-only clinical record: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # its % are PL/pgSQL, not placeholders
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION mesoplan_append_only();"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'append-only clinical record: UPDATE is not allowed'); END;"
            )


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS mesoplan_append_only();")


class Migration(migrations.Migration):
    dependencies = [("patients", "0001_patients_and_screenings")]
    operations = [migrations.RunPython(install, remove)]
