"""The contraindication screening rules engine: answers -> findings -> outcome.

Pure functions over plain values (no database): the formulations and their ingredients
are passed in, read from the database by `protocols.selectors.formulation_specs`. Every
rule restates DOMAIN.md ("Contraindication screening", "Hair-loss specifics"); the rule
set is versioned, and the version is stored with each screening.
"""

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from protocols.specs import FormulationSpec

from .contraindications import (
    CONDITION_GROUPS,
    CONDITIONS,
    THERAPY_GOALS,
    Condition,
    Kind,
    Severity,
)

__all__ = [
    "CONDITIONS",
    "CONDITION_GROUPS",
    "RULE_SET_VERSION",
    "THERAPY_GOALS",
    "Condition",
    "Finding",
    "FormulationSpec",
    "Kind",
    "Outcome",
    "ScreeningAnswers",
    "ScreeningResult",
    "Severity",
    "screen",
]

# 2026.11-1: DOMAIN.md's tables as first restated.
# 2026.11-2: an allergy that is no ingredient carries its text in `details["allergy"]`,
#            so pages can name it without parsing the message.
# 2026.12-1: an allergic reaction after a session (an adverse event, carried into the
#            screening) stops that formulation until a clinician screens again.
RULE_SET_VERSION = "2026.12-1"


class Outcome(enum.StrEnum):
    """Ordered from best to worst: `rank` compares them."""

    ELIGIBLE = "eligible"
    CAUTION = "caution"
    DEFERRED = "deferred"
    EXCLUDED = "excluded"

    @property
    def rank(self) -> int:
        return list(Outcome).index(self)

    @property
    def allows_booking(self) -> bool:
        return self in (Outcome.ELIGIBLE, Outcome.CAUTION)


@dataclass(frozen=True)
class ScreeningAnswers:
    indication: str  # "skin" | "hair"
    screened_on: date
    sex: str = "female"
    conditions: frozenset[str] = frozenset()
    allergies: tuple[str, ...] = ()
    hair_loss_onset: date | None = None
    insurance_options_considered: bool | None = None
    therapy_goal: str | None = None
    prognosis_explained: bool | None = None
    informed_consent: bool = False
    expectations_acknowledged: bool = False
    # Formulation codes the patient had an allergic reaction to since the last screening
    # a clinician answered (never asked: an adverse event carries them in).
    reactions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    action: str = ""
    # What the finding does to the outcome: the outcome is the worst effect.
    effect: Outcome = Outcome.ELIGIBLE
    details: Mapping[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
            "action": self.action,
            "effect": str(self.effect),
            **({"details": dict(self.details)} if self.details else {}),
        }


@dataclass(frozen=True)
class ScreeningResult:
    findings: tuple[Finding, ...]
    outcome: Outcome
    rule_set_version: str = RULE_SET_VERSION

    @property
    def needs_acknowledgement(self) -> bool:
        return self.outcome == Outcome.CAUTION


class UnknownCode(ValueError):
    def __init__(self, field_name: str, codes: Iterable[str]) -> None:
        self.field_name = field_name
        self.codes = sorted(codes)
        super().__init__(f"Unknown {field_name} code(s): {', '.join(self.codes)}")


def unknown_condition_codes(codes: Iterable[str]) -> list[str]:
    return sorted(set(codes) - CONDITIONS.keys())


def normalise_allergy(text: str) -> str:
    """'Hyaluronic acid ' -> 'hyaluronic_acid' (codes and names compare alike)."""
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def match_allergy(text: str, ingredients: Mapping[str, str]) -> str | None:
    """The ingredient code an allergy answer names, by code or by name, else None.

    >>> match_allergy("DMAE", {"dmae": "Dimethylaminoethanol (DMAE)"})
    'dmae'
    >>> match_allergy("Rutin", {"rutin": "Rutin"})
    'rutin'
    >>> match_allergy("penicillin", {"rutin": "Rutin"}) is None
    True
    """
    key = normalise_allergy(text)
    if not key:
        return None
    for code, name in ingredients.items():
        name_key = normalise_allergy(name)
        bracketed = re.findall(r"\(([^)]*)\)", name)
        if key in (code, name_key) or key in (normalise_allergy(b) for b in bracketed):
            return code
        if (
            name_key.startswith(key + "_") and len(key) >= 4
        ):  # "hyaluronic acid" vs "... (uncross-linked)"
            return code
    return None


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The outcome of a set of findings' effects: excluded > deferred > caution > eligible.

    >>> worst([Outcome.CAUTION, Outcome.DEFERRED])
    <Outcome.DEFERRED: 'deferred'>
    """
    return max(outcomes, key=lambda o: o.rank, default=Outcome.ELIGIBLE)


def _condition_finding(condition: Condition) -> Finding:
    effect = {
        Kind.PERMANENT: Outcome.EXCLUDED,
        Kind.TEMPORARY: Outcome.DEFERRED,
        Kind.WEIGHED: Outcome.CAUTION,
    }[condition.kind]
    kind_text = {
        Kind.PERMANENT: "absolute contraindication",
        Kind.TEMPORARY: "temporary absolute contraindication",
        Kind.WEIGHED: "relative contraindication",
    }[condition.kind]
    return Finding(
        code=condition.code,
        severity=condition.severity,
        message=f"{condition.label}: {kind_text}.",
        action=condition.action,
        effect=effect,
    )


def _allergy_findings(
    answers: ScreeningAnswers, formulations: Sequence[FormulationSpec]
) -> list[Finding]:
    """Allergies against every ingredient (catalyst included) of the indication's
    formulations. Excluded when no formulation of the indication remains."""
    known = {code: name for f in formulations for code, name in f.ingredients.items()}
    matched: dict[str, str] = {}
    unmatched: list[str] = []
    for text in answers.allergies:
        code = match_allergy(text, known)
        if code:
            matched[code] = known[code]
        elif text.strip():
            unmatched.append(text.strip())

    findings: list[Finding] = []
    blocked = [f for f in formulations if matched.keys() & f.ingredients.keys()]
    remaining = [f for f in formulations if f not in blocked]
    stated_unnamed = "ingredient_allergy" in answers.conditions and not matched
    if stated_unnamed:
        # Safety first: an allergy to "an active ingredient" that is not named cannot be
        # checked against the formulation, so nothing may be used until it is named.
        blocked, remaining = list(formulations), []
        findings.append(
            Finding(
                code="ingredient_allergy",
                severity=Severity.ABSOLUTE,
                message="Allergy to an active ingredient stated, but no named allergy is an "
                "ingredient of "
                + (", ".join(f.name for f in formulations) or "the formulation")
                + ".",
                action="Name the ingredient under allergies; if the allergy concerns no "
                "ingredient of this formulation, untick it and screen again.",
                effect=Outcome.EXCLUDED,
            )
        )
    for formulation in [] if stated_unnamed else blocked:
        hits = sorted(matched.keys() & formulation.ingredients.keys())
        names = ", ".join(formulation.ingredients[c] for c in hits)
        findings.append(
            Finding(
                code="ingredient_allergy",
                severity=Severity.ABSOLUTE,
                message=f"Allergy to {names}, an ingredient of {formulation.name}.",
                action=(
                    f"Do not use {formulation.name}."
                    + ("" if remaining else " No formulation for this indication remains.")
                ),
                effect=Outcome.EXCLUDED if not remaining else Outcome.ELIGIBLE,
                details={"formulation": formulation.code, "ingredients": hits},
            )
        )
    for text in unmatched:
        findings.append(
            Finding(
                code="other_allergy",
                severity=Severity.ADVISORY,
                message=f"Allergy to {text!r} recorded: not an ingredient of "
                + (", ".join(f.name for f in formulations) or "any formulation")
                + ".",
                action="Check any other product used in the session against it.",
                details={"allergy": text},
            )
        )
    return findings


def _reaction_findings(
    answers: ScreeningAnswers, formulations: Sequence[FormulationSpec]
) -> list[Finding]:
    """A formulation the patient reacted to is not used again until a clinician screens
    the patient again (and names the allergen if found). Deferred when no formulation of
    the indication remains."""
    reacted = [f for f in formulations if f.code in answers.reactions]
    remaining = [f for f in formulations if f not in reacted]
    return [
        Finding(
            code="allergic_reaction",
            severity=Severity.ABSOLUTE,
            message=f"Allergic reaction after a session with {formulation.name}.",
            action=f"Do not use {formulation.name} until the patient is screened again: look "
            "for the allergen and name it under allergies.",
            effect=Outcome.DEFERRED if not remaining else Outcome.ELIGIBLE,
            details={"formulation": formulation.code},
        )
        for formulation in reacted
    ]


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _hair_findings(answers: ScreeningAnswers) -> list[Finding]:
    findings: list[Finding] = []
    if answers.sex == "male":
        explained = bool(answers.prognosis_explained)
        findings.append(
            Finding(
                code="male_hair_loss",
                severity=Severity.ADVISORY,
                message="Male hair loss is more strongly genetic: the prognosis is limited"
                + (" (explained to the patient)." if explained else "."),
                action="" if explained else "Explain the limited prognosis and record it.",
            )
        )
    onset = answers.hair_loss_onset
    if onset is None:
        findings.append(
            Finding(
                code="hair_loss_onset_unknown",
                severity=Severity.ADVISORY,
                message="Onset of hair loss not recorded.",
                action="Record when the hair loss began: the chance of success depends on it.",
            )
        )
    elif _add_years(onset, 2) < answers.screened_on:
        findings.append(
            Finding(
                code="hair_loss_over_two_years",
                severity=Severity.ADVISORY,
                message="Hair loss began more than 2 years ago: fewer intact follicles remain, "
                "so the chance of success is reduced.",
                action="Set expectations accordingly; consider 'stabilise' as the goal.",
            )
        )
    if not answers.insurance_options_considered:
        findings.append(
            Finding(
                code="insurance_options_not_considered",
                severity=Severity.ADVISORY,
                message="Procedures covered by statutory health insurance come first.",
                action="Record that they were considered.",
            )
        )
    if answers.therapy_goal not in THERAPY_GOALS:
        findings.append(
            Finding(
                code="therapy_goal_missing",
                severity=Severity.ADVISORY,
                message="No therapy goal recorded (regrowth or stabilise).",
                action="Agree the goal with the patient.",
            )
        )
    return findings


def _consent_findings(answers: ScreeningAnswers) -> list[Finding]:
    findings = []
    if not answers.informed_consent:
        findings.append(
            Finding(
                code="informed_consent_missing",
                severity=Severity.ADVISORY,
                message="The patient's informed consent is not recorded.",
                action="Obtain and record consent: no course can be booked without it.",
            )
        )
    if not answers.expectations_acknowledged:
        findings.append(
            Finding(
                code="expectations_not_acknowledged",
                severity=Severity.ADVISORY,
                message="Not recorded that the patient understands the treatment is "
                "regenerative: several sessions, no immediate result.",
                action="Explain and record it: no course can be booked without it.",
            )
        )
    return findings


def screen(answers: ScreeningAnswers, formulations: Sequence[FormulationSpec]) -> ScreeningResult:
    """Screen one patient for one indication.

    >>> lift = FormulationSpec("mesolift", "NWM-MesoLift", {"rutin": "Rutin", "dmae": "DMAE"})
    >>> screen(ScreeningAnswers("skin", date(2026, 1, 5), allergies=("rutin",)), [lift]).outcome
    <Outcome.EXCLUDED: 'excluded'>
    >>> screen(ScreeningAnswers("skin", date(2026, 1, 5), conditions=frozenset({"herpes"})),
    ...        [lift]).outcome
    <Outcome.CAUTION: 'caution'>
    >>> screen(ScreeningAnswers("skin", date(2026, 1, 5), reactions=("mesolift",)),
    ...        [lift]).outcome
    <Outcome.DEFERRED: 'deferred'>
    """
    unknown = unknown_condition_codes(answers.conditions)
    if unknown:
        raise UnknownCode("condition", unknown)
    findings: list[Finding] = [
        _condition_finding(CONDITIONS[code])
        for code in sorted(answers.conditions, key=list(CONDITIONS).index)
        if code != "ingredient_allergy"
    ]
    findings += _allergy_findings(answers, formulations)
    findings += _reaction_findings(answers, formulations)
    if answers.indication == "hair":
        findings += _hair_findings(answers)
    findings += _consent_findings(answers)
    return ScreeningResult(findings=tuple(findings), outcome=worst(f.effect for f in findings))
