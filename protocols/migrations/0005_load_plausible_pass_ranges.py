"""DOMAIN.md's plausible ranges per pass: depth 0.1 to 4 mm (nappage at most 1 mm),
spacing 2 to 20 mm, points 1 to 500, volume 0.01 to 10 ml."""

from decimal import Decimal

from django.db import migrations

RANGES = [
    ("depth_mm", "", "0.1", "4"),
    ("depth_mm", "nappage", "0.1", "1"),
    ("spacing_mm", "", "2", "20"),
    ("points", "", "1", "500"),
    ("volume_ml", "", "0.01", "10"),
]


def load(apps, schema_editor):
    PlausibleRange = apps.get_model("protocols", "PlausibleRange")
    for field, technique, minimum, maximum in RANGES:
        PlausibleRange.objects.update_or_create(
            field=field,
            technique=technique,
            defaults={"minimum": Decimal(minimum), "maximum": Decimal(maximum)},
        )


def unload(apps, schema_editor):
    PlausibleRange = apps.get_model("protocols", "PlausibleRange")
    for field, technique, _minimum, _maximum in RANGES:
        PlausibleRange.objects.filter(field=field, technique=technique).delete()


class Migration(migrations.Migration):
    dependencies = [("protocols", "0004_plausible_pass_ranges")]
    operations = [migrations.RunPython(load, unload)]
