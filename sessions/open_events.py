"""Adverse events still open (DOMAIN.md: an adverse event is followed up until it has
resolved): what the appointments, the session form, the calendar and the clinician's
home show until a follow-up says the patient recovered. An event is open while its
current outcome (its newest follow-up's, else its own) is recovering, not recovered or
unknown.
"""

from collections.abc import Iterable

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from mesoplan.tenancy import scoped

from .adverse_events import adverse_events_for
from .models import AdverseEvent, AdverseEventFollowUp, EventOutcome

OPEN_OUTCOMES = (EventOutcome.RECOVERING, EventOutcome.NOT_RECOVERED, EventOutcome.UNKNOWN)
# On a queryset that `_with_outcome_now` annotated.
_IS_OPEN = Q(outcome_now__in=OPEN_OUTCOMES)


def is_open(outcome: str) -> bool:
    """>>> is_open("recovering"), is_open("recovered"), is_open("recovered_with_sequelae")
    (True, False, False)
    """
    return outcome in OPEN_OUTCOMES


def outcome_label(code: str) -> str:
    """>>> outcome_label("not_recovered")
    'not recovered'
    """
    return str(EventOutcome(code).label).lower()


def _with_outcome_now(queryset: QuerySet[AdverseEvent]) -> QuerySet[AdverseEvent]:
    newest = AdverseEventFollowUp.objects.filter(event=OuterRef("pk")).order_by(
        "-recorded_at", "-id"
    )
    return queryset.annotate(
        outcome_now=Coalesce(Subquery(newest.values("outcome")[:1]), F("outcome"))
    )


def open_adverse_events(actor) -> QuerySet[AdverseEvent]:
    """The actor's practice's open events, oldest onset first (awaiting follow-up the
    longest), with their patient and session (one query)."""
    return (
        _with_outcome_now(scoped(AdverseEvent, actor))
        .filter(_IS_OPEN)
        .select_related("patient", "session_record__appointment")
        .order_by("onset_at", "id")
    )


def open_events_of(actor, patient) -> list[AdverseEvent]:
    """The patient's open events, newest first (three queries; one without events)."""
    events = list(
        _with_outcome_now(adverse_events_for(actor))
        .filter(_IS_OPEN, patient=patient)
        .select_related("session_record__formulation")
        .order_by("-onset_at", "-id")
    )
    return events


def patients_with_open_events(actor, patient_ids: Iterable) -> set:
    """Which of these patients have an open event (one query, none without patients)."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return set()
    return set(
        _with_outcome_now(scoped(AdverseEvent, actor).filter(patient_id__in=ids))
        .filter(_IS_OPEN)
        .values_list("patient_id", flat=True)
        .distinct()
    )
