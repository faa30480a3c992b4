"""Fills each lot's number key (lots 0002 added the column); lots that are one box under
the folding, registered twice, stop the migration, named, for a person to resolve."""

import unicodedata

from django.db import migrations


def folded(number: str) -> str:
    # A frozen copy of lots.lot_numbers.lot_key (migrations never import app code).
    plain = "".join(unicodedata.normalize("NFKC", number).split())
    return unicodedata.normalize("NFKC", plain.casefold())


def fill_keys(apps, schema_editor):
    ProductLot = apps.get_model("lots", "ProductLot")
    seen: dict = {}
    clashes = []
    for lot in ProductLot.objects.order_by("created_at", "pk").iterator():
        key = folded(lot.lot_number)
        if (lot.practice_id, key) in seen:
            clashes.append(f"{seen[(lot.practice_id, key)]} and {lot.lot_number}")
        seen[(lot.practice_id, key)] = lot.lot_number
        ProductLot.objects.filter(pk=lot.pk).update(number_key=key)
    if clashes:
        raise RuntimeError(
            "Lot numbers that are one box under the new folding, registered twice: "
            + "; ".join(clashes)
            + ". Decide which sessions used which box, then migrate again."
        )



class Migration(migrations.Migration):
    dependencies = [("lots", "0002_lot_number_key")]
    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
