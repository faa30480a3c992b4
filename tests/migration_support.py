"""What the migration tests write through the historical models of an older state: a
practice with a clinician and a patient screened eligible for skin."""

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Screened:
    practice: Any
    clinician: Any
    patient: Any
    screening: Any


def a_screened_patient(apps) -> Screened:
    model = apps.get_model
    network = model("mesoplan", "Network").objects.create(name="Net")
    practice = model("mesoplan", "Practice").objects.create(
        network=network, name="Praxis", slug="praxis"
    )
    clinician = model("mesoplan", "User").objects.create(
        username="clin", password="!", role="clinician", practice=practice
    )
    patient = model("patients", "Patient").objects.create(
        practice=practice,
        first_name="Ada",
        last_name="Lind",
        date_of_birth=date(1980, 5, 1),
        sex="female",
    )
    screening = model("patients", "Screening").objects.create(
        patient=patient,
        indication="skin",
        outcome="eligible",
        rule_set_version="test",
        created_by=clinician,
    )
    return Screened(practice, clinician, patient, screening)
