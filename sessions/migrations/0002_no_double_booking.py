"""No double booking, by the database itself on PostgreSQL: two appointments of one
clinician that are not cancelled can never overlap, whatever the code above does and
however many requests race (btree_gist lets the clinician's id take part in a GiST
exclusion constraint). Half-open ranges: one may start when the other ends.

SQLite has no exclusion constraints: there the booking service checks for overlaps
inside a transaction that holds SQLite's single write lock (transaction_mode IMMEDIATE).
"""

from django.db import migrations

CONSTRAINT = "appointment_no_double_booking"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist;")
    schema_editor.execute(
        f"ALTER TABLE clinical_sessions_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (clinician_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status <> 'cancelled');"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE clinical_sessions_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"
    )


class Migration(migrations.Migration):
    dependencies = [("clinical_sessions", "0001_courses_appointments_and_calendar")]
    operations = [migrations.RunPython(create, drop)]
