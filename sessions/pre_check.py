"""The pre-session check (DOMAIN.md, "Contraindication screening"): before each session
the clinician re-confirms what can change during a course (pregnancy, an acute infection
or inflammatory dermatosis, new allergies, anything newly found). The intake's rules
engine evaluates the screening's answers plus today's; a deferring or excluding outcome
blocks the session, a new relative finding needs the clinician's acknowledgement, and a
herpes-prone patient needs prophylaxis first. Pure: plain values in, a verdict out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from patients.contraindications import CONDITIONS, Severity
from patients.screening import Finding, Outcome, ScreeningAnswers, screen
from protocols.specs import FormulationSpec

# What the check asks again: the conditions that come and go during a course.
RECONFIRMED_CONDITIONS = ("pregnancy", "acute_infection", "acute_inflammatory_dermatosis")
HERPES = "herpes"


@dataclass(frozen=True)
class ScreeningBasis:
    """The screening the course was booked on, as the check needs it."""

    indication: str
    sex: str
    conditions: frozenset[str]
    allergies: tuple[str, ...]
    finding_codes: frozenset[str]
    hair_loss_onset: date | None = None
    insurance_options_considered: bool | None = None
    therapy_goal: str | None = None
    prognosis_explained: bool | None = None
    # Formulations the patient reacted to since a clinician last screened them.
    reactions: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckAnswers:
    checked_on: date
    conditions: frozenset[str] = frozenset()
    new_allergies: tuple[str, ...] = ()
    herpes_prophylaxis_given: bool | None = None
    caution_acknowledgement: str = ""


@dataclass(frozen=True)
class CheckVerdict:
    findings: tuple[Finding, ...]
    outcome: Outcome
    rule_set_version: str
    # Why the session cannot be recorded now (a deferral or exclusion): the check is
    # stored on its own and the clinician is offered to move the appointment.
    blocking: tuple[Finding, ...]
    # Answers the clinician still owes (400, nothing stored), by field.
    errors: dict[str, list[str]]

    @property
    def is_blocked(self) -> bool:
        return bool(self.blocking)

    @property
    def herpes_prone(self) -> bool:
        return any(f.code == HERPES for f in self.findings)


def needs_herpes_prophylaxis(basis: ScreeningBasis, answers: CheckAnswers) -> bool:
    """>>> b = ScreeningBasis("skin", "female", frozenset({"herpes"}), (), frozenset({"herpes"}))
    >>> needs_herpes_prophylaxis(b, CheckAnswers(date(2026, 1, 5)))
    True
    """
    return HERPES in basis.conditions or HERPES in answers.conditions


def evaluate_check(
    basis: ScreeningBasis, answers: CheckAnswers, formulation: FormulationSpec
) -> CheckVerdict:
    """The check's verdict over the screening's answers plus today's.

    >>> lift = FormulationSpec("mesolift", "NWM-MesoLift", {"rutin": "Rutin"})
    >>> b = ScreeningBasis("skin", "female", frozenset(), (), frozenset())
    >>> v = evaluate_check(b, CheckAnswers(date(2026, 1, 5), frozenset({"pregnancy"})), lift)
    >>> v.outcome, [f.code for f in v.blocking]
    (<Outcome.DEFERRED: 'deferred'>, ['pregnancy'])
    >>> evaluate_check(b, CheckAnswers(date(2026, 1, 5), new_allergies=("rutin",)), lift).outcome
    <Outcome.EXCLUDED: 'excluded'>
    >>> from dataclasses import replace
    >>> reacted = evaluate_check(replace(b, reactions=("mesolift",)), CheckAnswers(date(2026, 1, 5)), lift)
    >>> [f.code for f in reacted.blocking]
    ['allergic_reaction']
    """
    result = screen(
        ScreeningAnswers(
            indication=basis.indication,
            screened_on=answers.checked_on,
            sex=basis.sex,
            conditions=basis.conditions | answers.conditions,
            allergies=tuple(dict.fromkeys(basis.allergies + answers.new_allergies)),
            hair_loss_onset=basis.hair_loss_onset,
            insurance_options_considered=basis.insurance_options_considered,
            therapy_goal=basis.therapy_goal,
            prognosis_explained=basis.prognosis_explained,
            # Consent and expectations were recorded at intake: the course was booked on them.
            informed_consent=True,
            expectations_acknowledged=True,
            reactions=basis.reactions,
        ),
        [formulation],
    )
    blocking = tuple(f for f in result.findings if f.effect in (Outcome.DEFERRED, Outcome.EXCLUDED))
    errors: dict[str, list[str]] = {}
    if not blocking:
        errors = _owed_answers(basis, answers, result.findings)
    return CheckVerdict(
        findings=result.findings,
        outcome=result.outcome,
        rule_set_version=result.rule_set_version,
        blocking=blocking,
        errors=errors,
    )


def _owed_answers(
    basis: ScreeningBasis, answers: CheckAnswers, findings: Sequence[Finding]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if needs_herpes_prophylaxis(basis, answers) and answers.herpes_prophylaxis_given is not True:
        errors["herpes_prophylaxis_given"] = [
            "The patient tends to herpes: give herpes prophylaxis before the session and "
            "confirm it here."
        ]
    new_relative = [
        f for f in findings if f.severity == Severity.RELATIVE and f.code not in basis.finding_codes
    ]
    if new_relative and not answers.caution_acknowledgement.strip():
        names = ", ".join(
            CONDITIONS[f.code].label if f.code in CONDITIONS else f.code for f in new_relative
        )
        errors["caution_acknowledgement"] = [
            f"Newly found since the screening: {names}. Weigh it and give your reason to proceed."
        ]
    return errors
