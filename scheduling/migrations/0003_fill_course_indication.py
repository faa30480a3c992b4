"""Fills each course's indication from its protocol (scheduling 0002 added the column),
and where a patient holds two active courses of one indication (possible before this
rule), ends the older with a reason that says so, visible on its page: nothing is
deleted, and 0004 can then build the unique index."""

from django.db import migrations
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
    dependencies = [("scheduling", "0002_one_active_course_per_indication")]
    operations = [migrations.RunPython(fill_indication, migrations.RunPython.noop)]
