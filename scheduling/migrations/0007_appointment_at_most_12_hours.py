"""No appointment lasts longer than 12 hours, by the database itself on PostgreSQL
(`scheduling.models.LONGEST_APPOINTMENT`): so an appointment that overlaps a period
starts at most 12 hours before it, and the calendar and the overlap checks read a
bounded range of the start-time index (`scheduling.selectors.overlapping`) instead of
the practice's whole history. On SQLite the booking and moving services check it.

A database with a longer appointment cannot take the constraint: the migration stops
and lists them, for the practice to correct (nothing is changed for it)."""

from django.db import migrations

CONSTRAINT = "appointment_at_most_12_hours"

TOO_LONG = """
SELECT id, starts_at, ends_at FROM scheduling_appointment
WHERE ends_at > starts_at + interval '12 hours' LIMIT 20
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(TOO_LONG)
        rows = cursor.fetchall()
    if rows:
        listed = "; ".join(f"{pk} ({start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M})" for pk, start, end in rows)
        raise RuntimeError(f"Appointments longer than 12 hours: correct them, then migrate again: {listed}")
    schema_editor.execute(
        f"ALTER TABLE scheduling_appointment ADD CONSTRAINT {CONSTRAINT} "
        "CHECK (ends_at <= starts_at + interval '12 hours');"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE scheduling_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT};")


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0006_appointment_day_states")]
    operations = [migrations.RunPython(create, drop)]
