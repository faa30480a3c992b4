"""A patient has at most one active course per indication, held by the database: the
course keeps its protocol's indication (a NOT NULL column on a filled table, in three
steps: nullable, filled, not null), a course may be ended early with a reason, and a
partial unique index allows one active course per patient and indication.

Before the index, a patient could be booked into a second active course of the same
indication. Where a database holds such pairs, the newer course stays active and the
older one is ended with a reason that says so, visible on its page, so that the index
can be built and nothing is deleted."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

DUPLICATE = (
    "Ended when one active course per indication became a rule: a newer course of this "
    "indication was booked while this one ran."
)


def fill_indication(apps, schema_editor):
    Course = apps.get_model("scheduling", "Course")
    for course in Course.objects.select_related("protocol").iterator():
        Course.objects.filter(pk=course.pk).update(indication=course.protocol.indication)
    active = Course.objects.filter(status="active").order_by(
        "patient_id", "indication", "-created_at", "-pk"
    )
    seen = set()
    for course in active:
        key = (course.patient_id, course.indication)
        if key in seen:
            Course.objects.filter(pk=course.pk).update(
                status="ended", ended_reason=DUPLICATE, ended_at=timezone.now()
            )
        seen.add(key)


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
        migrations.RunPython(fill_indication, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="course",
            name="indication",
            field=models.CharField(
                choices=[("skin", "Skin (MesoLift)"), ("hair", "Hair loss (MesoHair)")],
                max_length=8,
            ),
        ),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.UniqueConstraint(
                condition=Q(status="active"),
                fields=("patient", "indication"),
                name="course_one_active_per_indication",
            ),
        ),
        migrations.AddConstraint(
            model_name="course",
            constraint=models.CheckConstraint(
                condition=~Q(status="ended") | (Q(ended_at__isnull=False) & ~Q(ended_reason="")),
                name="course_ended_with_a_reason",
            ),
        ),
    ]
