"""Patient search through trigram indexes on PostgreSQL (pg_trgm), so `?q=` reads the
matching rows instead of the whole practice. The expressions are exactly those Django
writes for `icontains` / `contains` (UPPER(col::text) LIKE ...), or the planner would not
use them. SQLite keeps scanning: the embedded set-up is small."""

from django.db import migrations

INDEXES = {
    "patient_first_name_trgm": 'UPPER("first_name"::text) gin_trgm_ops',
    "patient_last_name_trgm": 'UPPER("last_name"::text) gin_trgm_ops',
    "patient_email_trgm": 'UPPER("email"::text) gin_trgm_ops',
    "patient_phone_trgm": '("phone"::text) gin_trgm_ops',
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON patients_patient USING gin ({expression});"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [("patients", "0003_patient_list_order_index")]
    operations = [migrations.RunPython(create, drop)]
