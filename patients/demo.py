"""Synthetic demo patients (invented names) with screenings across every outcome.

Deterministic for a seed: each patient's id is a UUID derived from the seed and its
index, so re-running finds it and adds nothing. `seed_demo` is this app's part of
`manage.py seed_demo`.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from mesoplan.roles import Role

from . import services
from .models import Patient

NAMESPACE = uuid.UUID("6f1c1a52-3d5e-4a8e-9a57-1b1f0b8f2d10")
FIRST_FEMALE = [
    "Anna",
    "Marie",
    "Sophie",
    "Laura",
    "Julia",
    "Lea",
    "Hannah",
    "Lena",
    "Mia",
    "Emma",
    "Clara",
    "Greta",
    "Paula",
    "Ida",
    "Nora",
    "Frieda",
    "Johanna",
    "Carla",
    "Elif",
    "Zoe",
]
FIRST_MALE = ["Lukas", "Jonas", "Felix", "Paul", "Elias", "Noah", "Emil", "Anton", "Karl", "Milan"]
LAST = [
    "Brandt",
    "Keller",
    "Vogt",
    "Lorenz",
    "Seidel",
    "Kühn",
    "Engel",
    "Pohl",
    "Busch",
    "Horn",
    "Sommer",
    "Fuchs",
    "Graf",
    "Arnold",
    "Roth",
    "Frank",
    "Berger",
    "Haas",
    "Winkler",
    "Jung",
]

# (indication, sex, answers, acknowledgement reason or None): one of each outcome and more.
SCENARIOS: list[tuple[str, str, dict[str, Any], str | None]] = [
    ("skin", "female", {"informed_consent": True, "expectations_acknowledged": True}, None),
    (
        "hair",
        "female",
        {
            "hair_onset_years": 1,
            "insurance_options_considered": True,
            "therapy_goal": "regrowth",
            "informed_consent": True,
            "expectations_acknowledged": True,
        },
        None,
    ),
    (
        "skin",
        "female",
        {"conditions": ["herpes"], "informed_consent": True, "expectations_acknowledged": True},
        "Herpes prophylaxis with aciclovir arranged before each session.",
    ),
    (
        "skin",
        "female",
        {"conditions": ["psoriasis"], "informed_consent": True, "expectations_acknowledged": True},
        None,
    ),
    ("skin", "female", {"conditions": ["pregnancy"], "informed_consent": True}, None),
    (
        "hair",
        "female",
        {
            "allergies": ["rutin"],
            "hair_onset_years": 1,
            "insurance_options_considered": True,
            "therapy_goal": "stabilise",
        },
        None,
    ),
    (
        "hair",
        "male",
        {
            "hair_onset_years": 3,
            "insurance_options_considered": True,
            "therapy_goal": "stabilise",
            "prognosis_explained": True,
            "informed_consent": True,
            "expectations_acknowledged": True,
        },
        None,
    ),
    ("skin", "female", {"conditions": ["epilepsy"]}, None),
    (
        "skin",
        "female",
        {
            "conditions": ["acute_infection"],
            "informed_consent": True,
            "expectations_acknowledged": True,
        },
        None,
    ),
    (
        "skin",
        "other",
        {"allergies": ["penicillin"], "informed_consent": True, "expectations_acknowledged": True},
        None,
    ),
]


@dataclass(frozen=True)
class DemoPatient:
    pk: uuid.UUID
    practice_index: int
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    email: str
    phone: str
    scenario: int


def demo_patients(count: int, seed: int, practices: int) -> list[DemoPatient]:
    """The demo patients for a seed: a pure function, so the same seed gives the same data."""
    rng = random.Random(seed)
    specs = []
    for index in range(count):
        # Each practice cycles through every scenario, so each has every outcome.
        scenario = (index // practices) % len(SCENARIOS)
        sex = SCENARIOS[scenario][1]
        first = rng.choice(FIRST_MALE if sex == "male" else FIRST_FEMALE)
        last = rng.choice(LAST)
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 42))
        specs.append(
            DemoPatient(
                pk=uuid.uuid5(NAMESPACE, f"{seed}:{index}"),
                practice_index=index % practices,
                first_name=first,
                last_name=last,
                date_of_birth=born,
                sex=sex,
                email=f"{first}.{last}.{index}@example.org".lower().replace("ü", "ue"),
                phone=f"+49 30 {5550000 + index}",
                scenario=scenario,
            )
        )
    return specs


def seed_patients(practices, count: int, seed: int) -> int:
    """Creates the missing ones of `count` patients spread over `practices`; returns how
    many were new."""
    clinicians = {
        p.pk: p.staff.filter(role=Role.CLINICIAN).order_by("username").first() for p in practices
    }
    existing = set(Patient.objects.values_list("pk", flat=True))
    created = 0
    today = timezone.localdate()
    for spec in demo_patients(count, seed, len(practices)):
        if spec.pk in existing:
            continue
        practice = practices[spec.practice_index]
        indication, _, answers, ack = SCENARIOS[spec.scenario]
        clinician = clinicians[practice.pk]
        patient = Patient(
            pk=spec.pk,
            practice=practice,
            first_name=spec.first_name,
            last_name=spec.last_name,
            date_of_birth=spec.date_of_birth,
            sex=spec.sex,
            email=spec.email,
            phone=spec.phone,
            created_by=clinician,
        )
        patient._history_user = clinician  # type: ignore[attr-defined]
        patient.save()
        created += 1
        screening_answers = {k: v for k, v in answers.items() if k != "hair_onset_years"}
        if "hair_onset_years" in answers:
            screening_answers["hair_loss_onset"] = today - timedelta(
                days=365 * answers["hair_onset_years"]
            )
        screening = services.create_screening(
            actor=clinician, patient=patient, indication=indication, **screening_answers
        )
        if ack:
            services.acknowledge_caution(actor=clinician, screening=screening, reason=ack)
        if answers.get("conditions") == ["acute_infection"]:
            # Re-screened after the infection resolved: the history shows both versions.
            services.create_screening(
                actor=clinician,
                patient=patient,
                indication=indication,
                informed_consent=True,
                expectations_acknowledged=True,
            )
    return created


def seed_demo(staff, patients: int, seed: int) -> list[str]:
    """This app's demo data for `manage.py seed_demo`: the lines it prints."""
    new = seed_patients(staff.practices, patients, seed)
    return [f"Patients: {new} new ({patients} requested, seed {seed})."]
