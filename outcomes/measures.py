"""Outcome measures of a recorded session (DOMAIN.md, "Outcomes": measured improvement,
not satisfaction alone): the Global Aesthetic Improvement Scale, hair density per cm²
and the patient's own rating. Append-only: a new entry is a new row, the newest is shown.

Hair density belongs to hair-loss courses, but it is accepted on any session: a skin
course of a patient who is also treated for hair loss may be measured at the same visit,
and refusing a true number would lose it.
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


def measure_errors(values: dict[str, int | None]) -> dict[str, list[str]]:
    """Errors per field for one entry: each value in its range, and at least one given.

    >>> measure_errors({"gais": None, "hair_density_per_cm2": None, "patient_rating": None})
    {'non_field_errors': ['Record at least one measure: GAIS, hair density or the patient rating.']}
    >>> measure_errors({"gais": 2, "hair_density_per_cm2": 0, "patient_rating": 11})
    {'hair_density_per_cm2': ['Hair density is from 1 to 1000 hairs per cm².'], 'patient_rating': ["The patient's rating is from 0 (worst) to 10 (best)."]}
    """
    errors = {
        field: [message]
        for field, value in values.items()
        if (message := RANGES[field].error(value)) is not None
    }
    if all(value is None for value in values.values()):
        errors["non_field_errors"] = [
            "Record at least one measure: GAIS, hair density or the patient rating."
        ]
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
    each in its range (400 naming the field)."""
    if not is_clinician(actor):
        raise PermissionDenied("Only a clinician records outcome measures.")
    ensure_in_scope(actor, session_record)
    values = {
        "gais": gais,
        "hair_density_per_cm2": hair_density_per_cm2,
        "patient_rating": patient_rating,
    }
    errors = measure_errors(values)
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
