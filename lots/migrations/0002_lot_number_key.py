"""A lot number means one box: the key that decides it (lots.lot_numbers: NFKC, Unicode
case folding, whitespace removed) is stored and unique per practice, instead of the
database's lower-casing, which disagrees with Python's (PostgreSQL lowers İ to i, Python
to i̇) and folds neither ß nor full-width letters. Three steps for a NOT NULL column on a
filled table, each its own migration and transaction: nullable here, filled in 0003, not
null and unique in 0004.

A practice whose registered lots collide under the new key (STRAßE-1 and STRASSE-1) has
two rows for one box: the migration stops and names them, for a person to decide which
sessions used which (nothing is merged for it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lots", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="productlot",
            name="number_key",
            field=models.CharField(editable=False, max_length=192, null=True),
        ),
    ]
