"""Loads what the article states (DOMAIN.md): the catalyst (multivitamins, silicon,
rutin), NWM-MesoLift's own actives, NWM-MesoHair (its own actives are not listed in the
article: editable data, empty here), and the two 8-session protocols."""

from django.db import migrations

INGREDIENTS = [
    ("multivitamins", "Multivitamins", True),
    ("silicon", "Silicon", True),
    ("rutin", "Rutin", True),
    ("hyaluronic_acid", "Hyaluronic acid (uncross-linked)", False),
    ("dmae", "Dimethylaminoethanol (DMAE)", False),
    ("centella_asiatica", "Centella asiatica", False),
]
FORMULATIONS = [
    ("mesolift", "NWM-MesoLift", "skin", ["hyaluronic_acid", "dmae", "centella_asiatica"]),
    ("mesohair", "NWM-MesoHair", "hair", []),
]
PROTOCOLS = [
    ("mesolift", "MesoLift course", "skin", "mesolift"),
    ("mesohair", "MesoHair course", "hair", "mesohair"),
]


def load(apps, schema_editor):
    Ingredient = apps.get_model("protocols", "Ingredient")
    Formulation = apps.get_model("protocols", "Formulation")
    Protocol = apps.get_model("protocols", "Protocol")
    by_code = {}
    for code, name, is_catalyst in INGREDIENTS:
        by_code[code], _ = Ingredient.objects.get_or_create(
            code=code, defaults={"name": name, "is_catalyst": is_catalyst}
        )
    for code, name, indication, actives in FORMULATIONS:
        formulation, _ = Formulation.objects.get_or_create(
            code=code, defaults={"name": name, "indication": indication, "includes_catalyst": True}
        )
        formulation.actives.add(*(by_code[a] for a in actives))
    for code, name, indication, formulation_code in PROTOCOLS:
        Protocol.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "indication": indication,
                "formulation": Formulation.objects.get(code=formulation_code),
                "session_count": 8,
                "maintenance_min_months": 3,
                "maintenance_max_months": 6,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("protocols", "Protocol").objects.filter(code__in=[p[0] for p in PROTOCOLS]).delete()
    apps.get_model("protocols", "Formulation").objects.filter(
        code__in=[f[0] for f in FORMULATIONS]
    ).delete()
    apps.get_model("protocols", "Ingredient").objects.filter(
        code__in=[i[0] for i in INGREDIENTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("protocols", "0001_reference_tables")]
    operations = [migrations.RunPython(load, unload)]
