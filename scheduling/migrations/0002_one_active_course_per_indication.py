"""A patient has at most one active course per indication, held by the database: the
course keeps its protocol's indication (a NOT NULL column on a filled table, in three
steps, each its own migration and transaction (PostgreSQL refuses an ALTER TABLE after
updates with pending trigger events in one): nullable here, filled in 0003, not null in
0004), a course may be ended early with a reason, and a
partial unique index allows one active course per patient and indication.

Before the index, a patient could be booked into a second active course of the same
indication. Where a database holds such pairs, the newer course stays active and the
older one is ended with a reason that says so, visible on its page, so that the index
can be built and nothing is deleted."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="course",
            name="indication",
            field=models.CharField(
                choices=[("skin", "Skin (MesoLift)"), ("hair", "Hair loss (MesoHair)")],
                max_length=8,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="course",
            name="ended_reason",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="course",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="course",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="course",
            name="status",
            field=models.CharField(
                choices=[
                    ("active", "Active"),
                    ("completed", "Completed"),
                    ("cancelled", "Cancelled"),
                    ("ended", "Ended early"),
                ],
                default="active",
                max_length=16,
            ),
        ),
    ]
