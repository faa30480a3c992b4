"""The appointment's single-column clinician index goes: appointment_clinician_idx
(clinician, starts_at) serves every lookup by clinician, and the planner sometimes took
the single-column one for a feed's range (then sorted the clinician's whole history).

Only the index is dropped (found by introspection: it kept the name it was given before
the app split). An AlterField would make SQLite rebuild the table and lose its change
triggers."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TABLE = "scheduling_appointment"


def single_column_indexes(connection, cursor):
    constraints = connection.introspection.get_constraints(cursor, TABLE)
    return [
        name
        for name, c in constraints.items()
        if c["index"]
        and not c["unique"]
        and not c["primary_key"]
        and c["columns"] == ["clinician_id"]
    ]


def drop(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for name in single_column_indexes(connection, cursor):
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX appointment_clinician_only_idx ON {TABLE} (clinician_id)")


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0008_change_log"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="appointment",
                    name="clinician",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="appointments",
                        to=settings.AUTH_USER_MODEL,
                    ),
                )
            ],
            database_operations=[migrations.RunPython(drop, restore)],
        )
    ]
