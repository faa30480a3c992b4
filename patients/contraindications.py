"""DOMAIN.md's contraindication tables as data: every condition code, how severe it is,
what kind (permanent, temporary, weighed), and the action the clinician must take.

The article names these conditions itself, so they are versioned code (with the rule
set), not editable data; ingredients and formulations, where the article is silent,
live in the database.
"""

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ABSOLUTE = "absolute"
    RELATIVE = "relative"
    ADVISORY = "advisory"


class Kind(enum.StrEnum):
    PERMANENT = "permanent"
    TEMPORARY = "temporary"
    PER_FORMULATION = "per_formulation"
    WEIGHED = "weighed"  # relative: the clinician weighs it and acknowledges


@dataclass(frozen=True)
class Condition:
    code: str
    label: str
    severity: Severity
    kind: Kind
    action: str


_DEFER = "Defer treatment and screen again once it has resolved."
_EXCLUDE = "Do not treat: mesotherapy is contraindicated."
_WEIGH = "Weigh the risk and record an acknowledgement with a reason before booking."

CONDITIONS: dict[str, Condition] = {
    c.code: c
    for c in (
        # Absolute (DOMAIN.md): treatment must not happen.
        Condition("pregnancy", "Pregnancy", Severity.ABSOLUTE, Kind.TEMPORARY, _DEFER),
        Condition(
            "ingredient_allergy",
            "Intolerance or allergy to an active ingredient",
            Severity.ABSOLUTE,
            Kind.PER_FORMULATION,
            "Name the ingredient under allergies; a formulation containing it must not be used.",
        ),
        Condition(
            "multiple_allergies",
            "Multi-allergy sufferer",
            Severity.ABSOLUTE,
            Kind.PERMANENT,
            "Do not treat: multi-allergy sufferers are excluded from the outset.",
        ),
        Condition(
            "hypertrophic_scarring",
            "Tendency to hypertrophic scars",
            Severity.ABSOLUTE,
            Kind.PERMANENT,
            _EXCLUDE,
        ),
        Condition(
            "pigment_disorder",
            "Tendency to pigment disorders",
            Severity.ABSOLUTE,
            Kind.PERMANENT,
            _EXCLUDE,
        ),
        Condition(
            "active_autoimmune_disease",
            "Strongly active autoimmune process",
            Severity.ABSOLUTE,
            Kind.PERMANENT,
            "Do not treat while the autoimmune process is strongly active.",
        ),
        Condition(
            "severe_cardiovascular_disease",
            "Severe cardiovascular disorder",
            Severity.ABSOLUTE,
            Kind.PERMANENT,
            _EXCLUDE,
        ),
        Condition(
            "severe_metabolic_disorder",
            "Severe metabolic disorder",
            Severity.ABSOLUTE,
            Kind.PERMANENT,
            _EXCLUDE,
        ),
        Condition(
            "acute_infection",
            "Acute viral or bacterial infection",
            Severity.ABSOLUTE,
            Kind.TEMPORARY,
            _DEFER,
        ),
        Condition(
            "acute_inflammatory_dermatosis",
            "Acute inflammatory dermatosis",
            Severity.ABSOLUTE,
            Kind.TEMPORARY,
            _DEFER,
        ),
        Condition("epilepsy", "Epilepsy", Severity.ABSOLUTE, Kind.PERMANENT, _EXCLUDE),
        # Relative (DOMAIN.md): possible after the clinician weighs it.
        Condition("psoriasis", "Psoriasis", Severity.RELATIVE, Kind.WEIGHED, _WEIGH),
        Condition(
            "neurodermatitis",
            "Neurodermatitis (atopic dermatitis)",
            Severity.RELATIVE,
            Kind.WEIGHED,
            _WEIGH,
        ),
        Condition(
            "bleeding_disorder",
            "Bleeding or clotting abnormality",
            Severity.RELATIVE,
            Kind.WEIGHED,
            _WEIGH,
        ),
        Condition(
            "herpes",
            "Tendency to herpes",
            Severity.RELATIVE,
            Kind.WEIGHED,
            "Give herpes prophylaxis before each session; acknowledge before booking.",
        ),
        Condition(
            "body_dysmorphic_disorder",
            "Dysmorphophobia (body perception disorder)",
            Severity.RELATIVE,
            Kind.WEIGHED,
            _WEIGH,
        ),
    )
}

# How the article groups them, for forms and result pages.
CONDITION_GROUPS: list[tuple[str, list[str]]] = [
    (
        "Absolute, permanent: exclude",
        [c.code for c in CONDITIONS.values() if c.kind == Kind.PERMANENT],
    ),
    (
        "Absolute, temporary: defer",
        [c.code for c in CONDITIONS.values() if c.kind == Kind.TEMPORARY],
    ),
    (
        "Relative: weigh and acknowledge",
        [c.code for c in CONDITIONS.values() if c.severity == Severity.RELATIVE],
    ),
]

THERAPY_GOALS = ("regrowth", "stabilise")
