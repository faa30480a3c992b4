"""The course's indication is required, and one active course per patient and
indication is a unique index (0003 filled the column and settled earlier duplicates)."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0003_fill_course_indication")]

    operations = [
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
