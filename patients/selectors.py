"""Reads of patients and screenings that views and the API share, scoped to the actor's
practice, with the joins their callers need (a constant number of queries)."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

import phonenumbers
from django.conf import settings
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.keyset import after
from mesoplan.models import AuditEntry
from mesoplan.tenancy import scoped
from protocols.models import Indication
from protocols.selectors import ingredient_names

from .alerts import Ingredients, LatestScreening
from .models import Patient, PhotographyConsent, Screening
from .readiness import Readiness, facts_of, ready_to_book
from .screening import Outcome


def patients_for(actor) -> QuerySet[Patient]:
    """The actor's patients. Their latest screenings are read for the shown rows only
    (`latest_screenings`), never for every row of the practice."""
    return scoped(Patient, actor)


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
    """The actor's screenings with who made and acknowledged them, each annotated
    `is_latest` (no newer screening of the patient for the indication)."""
    return (
        scoped(Screening, actor)
        .select_related("created_by", "acknowledgement", "acknowledgement__by", "patient__practice")
        .annotate(
            is_latest=Case(
                When(pk=_newest_of_its_kind(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def latest_screening(actor, patient: Patient, indication: str) -> Screening | None:
    return screenings_for(actor).filter(patient=patient, indication=indication).first()


def newest_screening(actor, patient: Patient, indication: str) -> Screening | None:
    """The patient's latest screening of the indication, its answers and findings only
    (what a pre-session check builds on): one indexed read, no joins."""
    return (
        scoped(Screening, actor)
        .filter(patient=patient, indication=indication)
        .order_by("-created_at", "-pk")
        .first()
    )


def latest_full_screenings(actor, patient: Patient) -> list[Screening]:
    """The patient's latest screening of each indication, whole (answers and the
    acknowledgement), in one query."""
    return list(
        scoped(Screening, actor)
        .filter(patient=patient, pk=_newest_of_its_kind())
        .select_related("acknowledgement")
        .order_by("indication")
    )


def herpes_prone_patients(actor, patient_ids: Iterable) -> set:
    """Which of these patients' latest screening of some indication names a tendency to
    herpes (they get prophylaxis before every session): one query, none without
    patients."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return set()
    rows = (
        scoped(Screening, actor)
        .filter(patient_id__in=ids)
        .filter(pk=_newest_of_its_kind())
        .values_list("patient_id", "conditions")
    )
    return {patient for patient, conditions in rows if "herpes" in (conditions or [])}


def _newest_of_its_kind() -> Subquery:
    """The id of the newest screening of the outer row's patient and indication."""
    newest = Screening.objects.filter(
        patient=OuterRef("patient"), indication=OuterRef("indication")
    ).order_by("-created_at", "-pk")
    return Subquery(newest.values("pk")[:1])


def latest_screenings(actor, patient_ids: Iterable) -> dict[tuple, Screening]:
    """{(patient id, indication): latest screening} for the given patients, in one query
    however many patients and screenings (only the rows shown are looked at). Carries what
    the gate reads (`readiness_for`), not the findings."""
    rows = (
        scoped(Screening, actor)
        .filter(patient_id__in=list(patient_ids))
        .filter(pk=_newest_of_its_kind())
        .select_related("acknowledgement")
        .only(*LATEST_FIELDS)
    )
    return {(s.patient_id, s.indication): s for s in rows}


LATEST_FIELDS = (
    "id",
    "patient_id",
    "indication",
    "outcome",
    "informed_consent",
    "expectations_acknowledged",
    "prognosis_explained",
    "acknowledgement__id",
)


def display_ingredients() -> Ingredients:
    """How pages name ingredient codes (two queries)."""
    names = ingredient_names()
    return Ingredients(names.names, names.catalyst, names.catalyst_formulations, names.formulations)


def alert_facts(screening: Screening | None) -> LatestScreening | None:
    """What the alert strip reads of a latest screening (no query: ack already joined)."""
    if screening is None:
        return None
    return LatestScreening(
        indication=screening.indication,
        outcome=screening.outcome,
        findings=screening.findings,
        allergies=screening.allergies,
        acknowledged=getattr(screening, "acknowledgement", None) is not None,
        screened_on=timezone.localdate(
            screening.created_at, practice_zone(screening.patient.practice)
        ),
    )


def readiness_for(patient: Patient, latest: dict[tuple, Screening]) -> dict[str, Readiness]:
    """The booking gate per indication, from `latest_screenings` (no query)."""
    result = {}
    for indication in Indication.values:
        screening = latest.get((patient.pk, indication))
        facts = facts_of(screening, patient_sex=patient.sex) if screening else None
        result[indication] = ready_to_book(indication, facts)
    return result


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


HISTORY_ORDER = ("-history_date", "-history_id")


def history_records(patient: Patient) -> QuerySet:
    """The stored versions of the patient's details, newest first (the API pages them)."""
    return patient.history.select_related("history_user").order_by(*HISTORY_ORDER)  # type: ignore[attr-defined]


def record_before(records: QuerySet, record) -> object | None:
    """The version stored just before `record` (what it changed from), or None for the
    first one: one query, however deep in the history."""
    return after(records, HISTORY_ORDER, [record.history_date, record.history_id]).first()


def versions_of(records: Sequence, older=None) -> list[PatientVersion]:
    """`records` (newest first) as versions with what each changed; the last one is
    compared with `older`, the record before it (None: it is the first version)."""
    versions = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else older
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


def patient_history(patient: Patient) -> list[PatientVersion]:
    """Every version of the patient's details, newest first, with what changed."""
    return versions_of(list(history_records(patient)))


# --- Work queues and figures for the home pages (each a constant number of queries) ---


def _superseded() -> Exists:
    """A newer screening of the outer row's patient and indication exists (newest: the
    latest created_at, then the greatest id, as `_newest_of_its_kind` orders them).

    As a NOT EXISTS this is an anti-join the planner estimates well; the equivalent
    `id = (SELECT ... LIMIT 1)` over a whole practice was estimated at 55 rows of 10,516
    and compared every caution with every acknowledgement (issue 16)."""
    newer = Screening.objects.filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        patient=OuterRef("patient"),
        indication=OuterRef("indication"),
    )
    return Exists(newer)


def latest_screenings_of_practice(actor) -> QuerySet[Screening]:
    """Each patient's latest screening per indication: the one that decides readiness."""
    return screenings_for(actor).filter(~_superseded())


def cautions_awaiting_acknowledgement(actor) -> QuerySet[Screening]:
    """Latest screenings with outcome caution and no clinician acknowledgement yet,
    oldest first (an older screening superseded by a newer one is no longer open)."""
    return (
        latest_screenings_of_practice(actor)
        .filter(outcome=Outcome.CAUTION, acknowledgement__isnull=True)
        .order_by("created_at", "pk")
    )


def deferred_awaiting_rescreening(actor) -> QuerySet[Screening]:
    """Latest screenings with outcome deferred, oldest (so soonest due) first."""
    return (
        latest_screenings_of_practice(actor)
        .filter(outcome=Outcome.DEFERRED)
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class RecentPatient:
    patient: Patient
    viewed_at: datetime


# "Opened last" looks this far back: the grouping reads the actor's views of these days
# (an index range), not every record they opened in the practice's history.
RECENT_VIEW_DAYS = 90


def recently_viewed_patients(actor, *, limit: int = 8) -> list[RecentPatient]:
    """The last `limit` distinct patients whose record the actor opened in the last
    RECENT_VIEW_DAYS days (from the audit trail), most recent first, with their latest
    screening annotated. Two queries."""
    views = list(
        scoped(AuditEntry, actor)
        .filter(
            actor=actor,
            action=Action.PATIENT_VIEW,
            patient_id__isnull=False,
            at__gte=timezone.now() - timedelta(days=RECENT_VIEW_DAYS),
        )
        .values("patient_id")
        .annotate(viewed_at=models.Max("at"))
        .order_by("-viewed_at")[:limit]
    )
    newest_outcome = (
        Screening.objects.filter(patient=OuterRef("pk")).order_by("-created_at").values("outcome")
    )
    patients = (
        patients_for(actor)
        .annotate(latest_outcome=Subquery(newest_outcome[:1]))  # eight rows: cheap here
        .in_bulk([view["patient_id"] for view in views])
    )
    return [
        RecentPatient(patients[view["patient_id"]], view["viewed_at"])
        for view in views
        if view["patient_id"] in patients
    ]


@dataclass(frozen=True)
class PracticeGlance:
    patients: int
    screenings_this_week: int
    open_acknowledgements: int


def practice_at_a_glance(actor, *, week_starts: datetime) -> PracticeGlance:
    """Counts for the practice manager: patients, screenings since `week_starts` (the
    practice's Monday, midnight in its zone), cautions awaiting acknowledgement."""
    return PracticeGlance(
        patients=scoped(Patient, actor).count(),
        screenings_this_week=scoped(Screening, actor).filter(created_at__gte=week_starts).count(),
        open_acknowledgements=cautions_awaiting_acknowledgement(actor).count(),
    )


@dataclass(frozen=True)
class PracticeFigures:
    """Anonymous counts for one practice: no names, no records."""

    patients: int
    screenings_by_outcome: dict[str, int]  # every outcome, zeros included

    @property
    def screenings(self) -> int:
        return sum(self.screenings_by_outcome.values())


def _no_screenings() -> dict[str, int]:
    return {outcome.value: 0 for outcome in Outcome}


def network_figures(actor, *, since: datetime) -> dict[UUID, PracticeFigures]:
    """Per practice in the actor's scope (a network admin's: the network's practices):
    patients, and screenings since `since` by outcome. Counts only; two queries."""
    patients = dict(
        scoped(Patient, actor)
        .values_list("practice_id")
        .annotate(count=models.Count("pk"))
        .order_by()
    )
    screenings: dict[UUID, dict[str, int]] = {}
    rows = (
        scoped(Screening, actor)
        .filter(created_at__gte=since)
        .values_list("patient__practice_id", "outcome")
        .annotate(count=models.Count("pk"))
        .order_by()
    )
    for practice_id, outcome, count in rows:
        screenings.setdefault(practice_id, _no_screenings())[outcome] = count
    return {
        practice_id: PracticeFigures(
            patients=patients.get(practice_id, 0),
            screenings_by_outcome=screenings.get(practice_id, _no_screenings()),
        )
        for practice_id in patients.keys() | screenings.keys()
    }


def empty_figures() -> PracticeFigures:
    return PracticeFigures(patients=0, screenings_by_outcome=_no_screenings())


def patient_names(actor, ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """Full names of the actor's patients among `ids` (others are simply absent)."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return {}
    rows = scoped(Patient, actor).filter(pk__in=wanted).values_list("pk", "first_name", "last_name")
    return {pk: f"{first} {last}" for pk, first, last in rows}


def photography_consents(actor, patient_ids: Iterable[UUID]) -> dict[UUID, PhotographyConsent]:
    """Each patient's current answer to clinical photography (the newest row), for the
    patients asked about: one query, however many answers each patient gave. A patient
    who never answered is missing from the dict."""
    newest = (
        PhotographyConsent.objects.filter(patient=OuterRef("patient"))
        .order_by("-at", "-id")
        .values("pk")[:1]
    )
    rows = scoped(PhotographyConsent, actor).filter(
        patient_id__in=list(patient_ids), pk=Subquery(newest)
    )
    return {row.patient_id: row for row in rows}


def photography_consent(actor, patient: Patient) -> PhotographyConsent | None:
    """The patient's current answer to clinical photography, or None if never asked."""
    return photography_consents(actor, [patient.pk]).get(patient.pk)
