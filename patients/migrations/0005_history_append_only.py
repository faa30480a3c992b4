"""The patient's change history is a record of who changed what: append-only like the
screenings (mesoplan/append_only.py)."""

from django.db import migrations

from mesoplan.append_only import append_only_guard


class Migration(migrations.Migration):
    dependencies = [("patients", "0004_patient_search_trigram_indexes")]
    operations = [append_only_guard("patients_historicalpatient")]
