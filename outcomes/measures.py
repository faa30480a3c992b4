"""Outcome measures of a recorded session (DOMAIN.md, "Outcomes": measured improvement,
not satisfaction alone): the Global Aesthetic Improvement Scale, hair density per cm²
and the patient's own rating. Append-only: a new entry is a new row, the newest is shown.

Hair density is a measure of hair-loss (MesoHair) sessions only: the report shows it as
the change from the course's first measure, by session number, per formulation, so a
density on a MesoLift session would start a series that measures nothing that course
treats. A patient treated for both has a hair course of their own, whose session takes
it. Entries stored before this rule stay as they are and are shown.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.errors import InvalidInput
from mesoplan.roles import is_clinician
from mesoplan.tenancy import ensure_in_scope, scoped
from sessions.models import SessionRecord

from .models import OutcomeMeasure


@dataclass(frozen=True)
class Range:
    low: int
    high: int
    label: str

    def error(self, value: int | None) -> str | None:
        """Why `value` is refused, or None.

        >>> GAIS.error(6)
        'The GAIS score is from 1 (exceptional improvement) to 5 (worse).'
        >>> GAIS.error(3) is None, GAIS.error(None) is None
        (True, True)
        """
        if value is None or self.low <= value <= self.high:
            return None
        return self.label


GAIS = Range(1, 5, "The GAIS score is from 1 (exceptional improvement) to 5 (worse).")
HAIR_DENSITY = Range(1, 1000, "Hair density is from 1 to 1000 hairs per cm².")
PATIENT_RATING = Range(0, 10, "The patient's rating is from 0 (worst) to 10 (best).")
RANGES = {"gais": GAIS, "hair_density_per_cm2": HAIR_DENSITY, "patient_rating": PATIENT_RATING}
NAMES = {
    "gais": "GAIS",
    "hair_density_per_cm2": "hair density",
    "patient_rating": "the patient rating",
}


HAIR = "hair"
NOT_ON_SKIN = (
    "Hair density is measured on hair-loss (MesoHair) sessions only: this is a skin session."
)


def measures_of(indication: str) -> tuple[str, ...]:
    """The measures a session of the indication takes.

    >>> measures_of("hair"), measures_of("skin")
    (('gais', 'hair_density_per_cm2', 'patient_rating'), ('gais', 'patient_rating'))
    """
    return tuple(f for f in RANGES if indication == HAIR or f != "hair_density_per_cm2")


def measure_errors(values: dict[str, int | None], indication: str) -> dict[str, list[str]]:
    """Errors per field for one entry of a session of `indication`: each value in its
    range, only the measures of the indication, and at least one given.

    >>> none = {"gais": None, "hair_density_per_cm2": None, "patient_rating": None}
    >>> measure_errors(none, "hair")
    {'non_field_errors': ['Record at least one measure: GAIS, hair density or the patient rating.']}
    >>> measure_errors(none, "skin")
    {'non_field_errors': ['Record at least one measure: GAIS or the patient rating.']}
    >>> measure_errors({"gais": 2, "hair_density_per_cm2": 0, "patient_rating": 11}, "hair")
    {'hair_density_per_cm2': ['Hair density is from 1 to 1000 hairs per cm².'], 'patient_rating': ["The patient's rating is from 0 (worst) to 10 (best)."]}
    >>> measure_errors({"gais": None, "hair_density_per_cm2": 140, "patient_rating": None}, "skin")
    {'hair_density_per_cm2': ['Hair density is measured on hair-loss (MesoHair) sessions only: this is a skin session.']}
    """
    taken = measures_of(indication)
    errors = {
        field: [message]
        for field, value in values.items()
        if (message := RANGES[field].error(value)) is not None
    }
    if indication != HAIR and values.get("hair_density_per_cm2") is not None:
        errors["hair_density_per_cm2"] = [NOT_ON_SKIN]
    if all(value is None for value in values.values()):
        names = [NAMES[f] for f in taken]
        listed = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        errors["non_field_errors"] = [f"Record at least one measure: {listed}."]
    return errors


@transaction.atomic
def record_measures(
    *,
    actor,
    session_record: SessionRecord,
    gais: int | None = None,
    hair_density_per_cm2: int | None = None,
    patient_rating: int | None = None,
) -> OutcomeMeasure:
    """Records one entry of measures for the session (a clinician): at least one value,
    each in its range, hair density on a hair-loss session only (400 naming the field)."""
    if not is_clinician(actor):
        raise PermissionDenied("Only a clinician records outcome measures.")
    ensure_in_scope(actor, session_record)
    values = {
        "gais": gais,
        "hair_density_per_cm2": hair_density_per_cm2,
        "patient_rating": patient_rating,
    }
    errors = measure_errors(values, session_record.formulation.indication)
    if errors:
        raise InvalidInput(errors)
    measure = OutcomeMeasure.objects.create(
        session_record=session_record, recorded_by=actor, **values
    )
    summary = ", ".join(f"{name} {value}" for name, value in values.items() if value is not None)
    audit.record(
        actor, Action.MEASURE_RECORD, measure, patient_id=session_record.patient_id, summary=summary
    )
    return measure


def measures_for(actor) -> QuerySet[OutcomeMeasure]:
    """The actor's outcome measures, newest first, with who recorded them."""
    return (
        scoped(OutcomeMeasure, actor).select_related("recorded_by").order_by("-recorded_at", "-id")
    )
