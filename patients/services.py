"""Intake workflows that write: patients, screenings, caution acknowledgements, the
patient's consent to clinical photography.

The service contract (docs/conventions.md): each takes the acting user and plain values, checks
the role, checks that every object it is handed belongs to the actor's practice, runs in
one transaction, writes its audit entry, and never rewrites a clinical record (a new
answer makes a new screening).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_today
from mesoplan.date_display import in_active_zone, practice_date
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import (
    require_clinician,
    require_practice_staff,
)
from mesoplan.tenancy import ensure_in_scope
from protocols.selectors import formulation_specs

from .carry_forward import carried_answers
from .models import Patient, PhotographyConsent, Screening, ScreeningAcknowledgement
from .screening import Outcome, ScreeningAnswers, UnknownCode, screen
from .selectors import latest_full_screenings

PATIENT_FIELDS = ("first_name", "last_name", "date_of_birth", "sex", "email", "phone")


@transaction.atomic
def create_patient(*, actor, **details: Any) -> Patient:
    require_practice_staff(actor, "add or change patients")
    patient = Patient(practice_id=actor.practice_id, created_by=actor, **details)
    patient._history_user = actor  # type: ignore[attr-defined]
    patient.full_clean()
    patient.save()
    audit.record(actor, Action.PATIENT_CREATE, patient, patient_id=patient.pk, summary=str(patient))
    return patient


@transaction.atomic
def update_patient(*, actor, patient: Patient, **changes: Any) -> Patient:
    """Changes a patient's details; simple-history keeps the previous version."""
    require_practice_staff(actor, "add or change patients")
    ensure_in_scope(actor, patient)
    unknown = set(changes) - set(PATIENT_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed."] for name in sorted(unknown)})
    changed = [name for name, value in changes.items() if getattr(patient, name) != value]
    if not changed:
        return patient
    for name in changed:
        setattr(patient, name, changes[name])
    patient._history_user = actor  # type: ignore[attr-defined]
    patient.full_clean()
    patient.save()
    audit.record(
        actor,
        Action.PATIENT_UPDATE,
        patient,
        patient_id=patient.pk,
        summary=str(patient),
        details={"fields": changed},
    )
    return patient


@transaction.atomic
def create_screening(
    *,
    actor,
    patient: Patient,
    indication: str,
    conditions: list[str] | tuple[str, ...] = (),
    allergies: list[str] | tuple[str, ...] = (),
    hair_loss_onset: date | None = None,
    insurance_options_considered: bool | None = None,
    therapy_goal: str | None = None,
    prognosis_explained: bool | None = None,
    informed_consent: bool = False,
    expectations_acknowledged: bool = False,
) -> Screening:
    """Evaluates the answers with the current rule set and stores answers and result."""
    require_clinician(actor, "screen patients and acknowledge cautions")
    ensure_in_scope(actor, patient)
    # Hair answers apply to hair screenings only; the prognosis explanation to men only.
    is_hair = indication == "hair"
    is_male_hair = is_hair and patient.sex == "male"
    conditions = list(dict.fromkeys(conditions))
    allergies = [a.strip() for a in dict.fromkeys(allergies) if a.strip()]
    answers = ScreeningAnswers(
        indication=indication,
        screened_on=practice_today(actor.practice),
        sex=patient.sex,
        conditions=frozenset(conditions),
        allergies=tuple(allergies),
        hair_loss_onset=hair_loss_onset if is_hair else None,
        insurance_options_considered=insurance_options_considered if is_hair else None,
        therapy_goal=therapy_goal if is_hair else None,
        prognosis_explained=prognosis_explained if is_male_hair else None,
        informed_consent=informed_consent,
        expectations_acknowledged=expectations_acknowledged,
    )
    screening = _evaluate_and_store(actor, patient, answers, conditions)
    audit.record(
        actor,
        Action.SCREENING_CREATE,
        screening,
        patient_id=patient.pk,
        summary=f"{screening.get_indication_display()}: {screening.outcome}",
    )
    return screening


def _evaluate_and_store(
    actor, patient: Patient, answers: ScreeningAnswers, conditions: list[str], **marks: Any
) -> Screening:
    """Evaluates the answers with the current rule set and stores answers and result
    (`conditions` as `answers.conditions`, in the order given)."""
    try:
        result = screen(answers, formulation_specs(answers.indication))
    except UnknownCode as exc:
        raise InvalidInput({"conditions": [str(exc)]}) from exc
    return Screening.objects.create(
        patient=patient,
        indication=answers.indication,
        conditions=conditions,
        allergies=list(answers.allergies),
        hair_loss_onset=answers.hair_loss_onset,
        insurance_options_considered=answers.insurance_options_considered,
        therapy_goal=answers.therapy_goal or "",
        prognosis_explained=answers.prognosis_explained,
        informed_consent=answers.informed_consent,
        expectations_acknowledged=answers.expectations_acknowledged,
        reactions=list(answers.reactions) or None,
        findings=[f.as_dict() for f in result.findings],
        outcome=result.outcome.value,
        rule_set_version=result.rule_set_version,
        created_by=actor,
        **marks,
    )


@transaction.atomic
def carry_forward_findings(
    *,
    actor,
    patient: Patient,
    conditions: Iterable[str] = (),
    allergies: Iterable[str] = (),
    reactions: Iterable[str] = (),
    indications: Iterable[str] | None = None,
    acknowledgement: str = "",
    carried_from,
    label: str,
) -> list[Screening]:
    """What a pre-session check found newly, or an allergic reaction after a session,
    becomes part of the patient's record: for each indication the patient was screened
    for (or those of `indications`), a new screening with the latest one's answers plus
    the new conditions, allergies and `reactions` (formulation codes;
    `patients.carry_forward`), evaluated by the current rules and marked with what it came
    from (`carried_from`, `label`: where it happened). A new relative finding carries the
    check's acknowledgement; an earlier acknowledgement of the same caution is carried
    with it. Returns the new screenings (none when nothing is new to them)."""
    require_clinician(actor, "screen patients and acknowledge cautions")
    ensure_in_scope(actor, patient)
    conditions, allergies, reactions = list(conditions), list(allergies), list(reactions)
    wanted = None if indications is None else set(indications)
    carried: list[Screening] = []
    for latest in latest_full_screenings(actor, patient):
        if wanted is not None and latest.indication not in wanted:
            continue
        merged = carried_answers(
            latest.conditions,
            latest.allergies,
            conditions,
            allergies,
            reactions=latest.reaction_codes,
            found_reactions=reactions,
        )
        if merged is None:
            continue
        answers = ScreeningAnswers(
            indication=latest.indication,
            screened_on=practice_today(actor.practice),
            sex=patient.sex,
            conditions=frozenset(merged.conditions),
            allergies=tuple(merged.allergies),
            hair_loss_onset=latest.hair_loss_onset,
            insurance_options_considered=latest.insurance_options_considered,
            therapy_goal=latest.therapy_goal or None,
            prognosis_explained=latest.prognosis_explained,
            informed_consent=latest.informed_consent,
            expectations_acknowledged=latest.expectations_acknowledged,
            reactions=tuple(merged.reactions),
        )
        screening = _evaluate_and_store(
            actor,
            patient,
            answers,
            merged.conditions,
            carried_from=carried_from,
            carried_from_label=label[:200],
        )
        if screening.outcome == Outcome.CAUTION:
            reason = _carried_acknowledgement(latest, acknowledgement)
            if reason:
                ScreeningAcknowledgement.objects.create(
                    screening=screening, reason=reason, by=actor
                )
        new = ", ".join(merged.news)
        audit.record(
            actor,
            Action.SCREENING_CARRY_FORWARD,
            screening,
            patient_id=patient.pk,
            summary=f"{screening.get_indication_display()}: {screening.outcome}, "
            f"{new} from the {label}"[:300],
            details={"carried_from": str(carried_from)},
        )
        carried.append(screening)
    return carried


def _carried_acknowledgement(latest: Screening, given_at_check: str) -> str:
    """The reason to proceed a carried caution keeps: the one given at the check, else
    the latest screening's own (the same caution, weighed before)."""
    given_at_check = (given_at_check or "").strip()
    if given_at_check:
        return given_at_check
    earlier = getattr(latest, "acknowledgement", None)
    if latest.outcome == Outcome.CAUTION and earlier is not None:
        return f"{earlier.reason} (acknowledged {practice_date(in_active_zone(earlier.at))}, carried forward)"
    return ""


@transaction.atomic
def acknowledge_caution(*, actor, screening: Screening, reason: str) -> ScreeningAcknowledgement:
    """Records the clinician's decision to proceed despite relative contraindications."""
    require_clinician(actor, "screen patients and acknowledge cautions")
    ensure_in_scope(actor, screening)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": ["A reason is required."]})
    if screening.outcome != Outcome.CAUTION:
        raise Conflict(
            f"Only a 'caution' screening is acknowledged; this one is '{screening.outcome}'.",
            "not_caution",
        )
    try:
        with transaction.atomic():  # a savepoint: the duplicate's error leaves the outer intact
            acknowledgement = ScreeningAcknowledgement.objects.create(
                screening=screening, reason=reason, by=actor
            )
    except IntegrityError as exc:
        raise Conflict("This screening is already acknowledged.", "already_acknowledged") from exc
    audit.record(
        actor,
        Action.SCREENING_ACKNOWLEDGE,
        screening,
        patient_id=screening.patient_id,
        summary=f"{screening.get_indication_display()}: {reason[:200]}",
    )
    return acknowledgement


@transaction.atomic
def record_photography_consent(*, actor, patient: Patient, given: bool) -> PhotographyConsent:
    """The patient's answer to clinical photography, given or withdrawn. Never changes an
    earlier answer: a new row, and the newest is the patient's current answer (a photo
    needs it, outcomes/photos.py). Withdrawing keeps the photos already taken."""
    require_clinician(actor, "screen patients and acknowledge cautions")
    ensure_in_scope(actor, patient)
    consent = PhotographyConsent.objects.create(patient=patient, given=bool(given), by=actor)
    audit.record(
        actor,
        Action.PHOTO_CONSENT_RECORD,
        consent,
        patient_id=patient.pk,
        summary="Consent to photography given" if given else "Consent to photography withdrawn",
    )
    return consent
