"""The calendar's, the lot registry's and outcomes' models leave the sessions app in the
state (their tables were renamed in place by 0006 and the new apps' 0001 took them over):
the records' foreign keys point at the new apps, the old models go, nothing changes in
the database.

Content types follow in place (the same rows, a new app label), so permissions, admin
log entries and anything else that names a content type keep working. The audit trail
stores a model's name alone (`course`, `photo`), which the move keeps."""

import django.db.models.deletion
from django.db import migrations, models

# Model name -> the app that now holds it (0006 renamed their tables).
MOVED = {
    "openinghours": "scheduling",
    "closure": "scheduling",
    "workinghours": "scheduling",
    "absence": "scheduling",
    "kindlength": "scheduling",
    "course": "scheduling",
    "appointment": "scheduling",
    "recallentry": "scheduling",
    "productlot": "lots",
    "equipment": "lots",
    "outcomemeasure": "outcomes",
    "photo": "outcomes",
    "survey": "outcomes",
    "surveylink": "outcomes",
}


def relabel_content_types(apps, schema_editor, moves):
    """Each moved model's content type gets its new app label, keeping its id. Where the
    new label has a row already (post_migrate created it before this ran, on a database
    migrated in parts) and the old one exists too, the old row wins: it is the one that
    permissions, groups and admin log entries point at, so the newer, empty one goes."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model, (old, new) in moves.items():
        current = ContentType.objects.using(db).filter(app_label=old, model=model)
        if not current.exists():
            continue
        ContentType.objects.using(db).filter(app_label=new, model=model).delete()
        current.update(app_label=new)


def forwards(apps, schema_editor):
    relabel_content_types(
        apps, schema_editor, {m: ("clinical_sessions", app) for m, app in MOVED.items()}
    )


def backwards(apps, schema_editor):
    relabel_content_types(
        apps, schema_editor, {m: (app, "clinical_sessions") for m, app in MOVED.items()}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("clinical_sessions", "0006_rename_tables_of_moved_models"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lots", "0001_initial"),
        ("outcomes", "0001_initial"),
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="presessioncheck",
                    name="appointment",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="checks",
                        to="scheduling.appointment",
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionrecord",
                    name="appointment",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="session_record",
                        to="scheduling.appointment",
                    ),
                ),
                migrations.AlterField(
                    model_name="sessionrecord",
                    name="course",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="session_records",
                        to="scheduling.course",
                    ),
                ),
                migrations.AlterField(
                    model_name="pass",
                    name="lot",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="passes",
                        to="lots.productlot",
                    ),
                ),
                migrations.AlterField(
                    model_name="pass",
                    name="device",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="lots.equipment",
                    ),
                ),
                migrations.AlterField(
                    model_name="pass",
                    name="needle",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="lots.equipment",
                    ),
                ),
                migrations.AlterField(
                    model_name="adverseeventlot",
                    name="lot",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="lots.productlot",
                    ),
                ),
                migrations.AlterField(
                    model_name="adverseevent",
                    name="lots",
                    field=models.ManyToManyField(
                        related_name="adverse_events",
                        through="clinical_sessions.AdverseEventLot",
                        to="lots.productlot",
                    ),
                ),
                # Dependents before what they point at.
                migrations.DeleteModel(name="SurveyLink"),
                migrations.DeleteModel(name="Survey"),
                migrations.DeleteModel(name="Photo"),
                migrations.DeleteModel(name="OutcomeMeasure"),
                migrations.DeleteModel(name="RecallEntry"),
                migrations.DeleteModel(name="Appointment"),
                migrations.DeleteModel(name="Course"),
                migrations.DeleteModel(name="Absence"),
                migrations.DeleteModel(name="WorkingHours"),
                migrations.DeleteModel(name="KindLength"),
                migrations.DeleteModel(name="Closure"),
                migrations.DeleteModel(name="OpeningHours"),
                migrations.DeleteModel(name="Equipment"),
                migrations.DeleteModel(name="ProductLot"),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
