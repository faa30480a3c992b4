"""A patient is in one place at a time, by the database itself on PostgreSQL: two
appointments of one patient that are not cancelled never overlap, whatever the code
above does and however many requests race (as clinical_sessions 0002 holds it for a
clinician). On SQLite the booking, moving and recording services check it under the
database's single write lock.

A database in which a patient already has overlapping appointments cannot take the
constraint: the migration stops and lists them, for the practice to move or cancel one
of each pair (nothing is moved for it)."""

from django.db import migrations

CONSTRAINT = "appointment_patient_in_one_place"

OVERLAPS = """
SELECT a.id, b.id, a.patient_id, a.starts_at, b.starts_at
FROM scheduling_appointment a JOIN scheduling_appointment b
  ON a.patient_id = b.patient_id AND a.id < b.id
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
LIMIT 20
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        pairs = cursor.fetchall()
    if pairs:
        listed = "; ".join(f"{a} and {b} (patient {p}, {sa:%Y-%m-%d %H:%M})" for a, b, p, sa, _ in pairs)
        raise RuntimeError(
            "Patients with overlapping appointments: move or cancel one of each pair, then "
            f"migrate again: {listed}"
        )
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist;")
    schema_editor.execute(
        f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (patient_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
        "WHERE (status <> 'cancelled');"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0004_one_active_course_index")]
    operations = [migrations.RunPython(create, drop)]
