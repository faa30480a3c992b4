"""Reads of patients and screenings that views and the API share, scoped to the actor's
practice, with the joins their callers need (a constant number of queries)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

import phonenumbers
from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery

from mesoplan.tenancy import scoped

from .models import Patient, Screening


def _latest(field: str, indication: str | None = None) -> Subquery:
    qs = Screening.objects.filter(patient=OuterRef("pk"))
    if indication:
        qs = qs.filter(indication=indication)
    return Subquery(qs.order_by("-created_at").values(field)[:1])


def patients_for(actor) -> QuerySet[Patient]:
    """The actor's patients, each annotated with its latest screening's outcome."""
    return scoped(Patient, actor).annotate(
        latest_outcome=_latest("outcome"),
        latest_screened_at=_latest("created_at"),
        latest_indication=_latest("indication"),
    )


def _phone_query(q: str) -> str | None:
    digits = re.sub(r"[^\d+]", "", q)
    if len(re.sub(r"\D", "", digits)) < 4:
        return None
    try:
        number = phonenumbers.parse(digits, settings.PHONENUMBER_DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return digits
    national = str(number.national_number)
    return national if len(national) >= 4 else digits


def search_patients(queryset: QuerySet[Patient], q: str | None) -> QuerySet[Patient]:
    """`q` matches names (every word), e-mail or phone (any formatting)."""
    # NUL cannot appear in PostgreSQL text, so it can never match: drop it, never a 500.
    q = (q or "").replace("\x00", "").strip()
    if not q:
        return queryset
    words = q.split()
    by_name = Q()
    for word in words:
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    condition = by_name | Q(email__icontains=q)
    phone = _phone_query(q)
    if phone:
        condition |= Q(phone__contains=phone)
    return queryset.filter(condition)


def possible_duplicates(
    actor, *, first_name: str, last_name: str, date_of_birth: date, exclude_id=None
) -> QuerySet[Patient]:
    """Patients of the practice with the same name (any case) and date of birth."""
    qs = scoped(Patient, actor).filter(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
    )
    return qs.exclude(pk=exclude_id) if exclude_id else qs


def screenings_for(actor) -> QuerySet[Screening]:
    return scoped(Screening, actor).select_related(
        "created_by", "acknowledgement", "acknowledgement__by", "patient"
    )


def latest_screening(actor, patient: Patient, indication: str) -> Screening | None:
    return screenings_for(actor).filter(patient=patient, indication=indication).first()


@dataclass(frozen=True)
class Change:
    field: str
    old: object
    new: object


@dataclass(frozen=True)
class PatientVersion:
    at: datetime
    by: str
    kind: str  # "created" | "changed"
    changes: tuple[Change, ...]


def patient_history(patient: Patient) -> list[PatientVersion]:
    """Every version of the patient's details, newest first, with what changed."""
    records = list(
        patient.history.select_related("history_user").order_by("-history_date", "-history_id")
    )  # type: ignore[attr-defined]
    versions = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        by = record.history_user.display_name if record.history_user else "system"
        if previous is None:
            versions.append(PatientVersion(record.history_date, by, "created", ()))
            continue
        delta = record.diff_against(previous)
        changes = tuple(
            Change(c.field, c.old, c.new) for c in delta.changes if c.field not in ("updated_at",)
        )
        versions.append(PatientVersion(record.history_date, by, "changed", changes))
    return versions


def patient_names(actor, ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """Full names of the actor's patients among `ids` (others are simply absent)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    rows = scoped(Patient, actor).filter(pk__in=wanted).values_list("pk", "first_name", "last_name")
    return {pk: f"{first} {last}" for pk, first, last in rows}
