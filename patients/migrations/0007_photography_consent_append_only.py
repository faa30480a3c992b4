"""The database refuses to rewrite a recorded photography consent (a withdrawal is a new row)."""

from django.db import migrations

from mesoplan.append_only import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("patients", "0006_photography_consent")]
    operations = [append_only_guard("patients_photographyconsent")]
