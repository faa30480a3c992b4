"""Reads of session records that the treatment room's views and the API share: a record
with what its page shows, and the patient's previous session (the form starts from it)."""

from django.db.models import QuerySet

from mesoplan.tenancy import scoped

from .models import SessionRecord


def session_records_for(actor) -> QuerySet[SessionRecord]:
    """The actor's session records with what a record's page and the API show."""
    return (
        scoped(SessionRecord, actor)
        .select_related(
            "appointment",
            "patient",
            "course__protocol",
            "formulation",
            "pre_check",
            "performed_by",
            "created_by",
        )
        .prefetch_related(
            "passes__lot", "passes__device", "passes__needle", "amendments__created_by"
        )
    )


def previous_session(actor, patient_id, formulation_id, before) -> SessionRecord | None:
    """The patient's latest recorded session of the formulation before `before` (the
    form starts from it), with its versions' passes."""
    return (
        session_records_for(actor)
        .filter(patient_id=patient_id, formulation_id=formulation_id, performed_at__lt=before)
        .order_by("-performed_at")
        .first()
    )
