"""The lot number key is required and unique per practice, instead of the database's
lower-casing of the number (0003 filled it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lots", "0003_fill_lot_number_keys")]

    operations = [
        migrations.AlterField(
            model_name="productlot",
            name="number_key",
            field=models.CharField(editable=False, max_length=192),
        ),
        migrations.RemoveConstraint(model_name="productlot", name="lot_number_unique_in_practice"),
        migrations.AddConstraint(
            model_name="productlot",
            constraint=models.UniqueConstraint(
                fields=("practice", "number_key"), name="lot_number_key_unique_in_practice"
            ),
        ),
    ]
