"""What a clinician must not miss, in words that name the cause.

Pure functions from stored screenings (as plain values) and the booking gate to the
banner of a result page, the findings as they are read, the alert strip at the top of a
patient record and the one next step. Pages render these; they never decide them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from mesoplan.date_display import practice_date

from .contraindications import CONDITIONS
from .deferral import rescreen_due_on
from .readiness import Missing, Readiness
from .screening import Outcome

INDICATION_NAMES = {"skin": "Skin", "hair": "Hair loss"}

ADVISORY_TITLES = {
    "male_hair_loss": "Male hair loss: limited prognosis",
    "hair_loss_over_two_years": "Hair loss began more than 2 years ago",
    "hair_loss_onset_unknown": "Onset of hair loss not recorded",
    "insurance_options_not_considered": "Insurance-covered options not recorded as considered",
    "therapy_goal_missing": "No therapy goal recorded",
    "informed_consent_missing": "Informed consent not recorded",
    "expectations_not_acknowledged": "Regenerative expectations not recorded",
}


@dataclass(frozen=True)
class Ingredients:
    """How to name ingredient codes (from `protocols.selectors.ingredient_names`)."""

    names: Mapping[str, str]
    catalyst: frozenset[str] = frozenset()
    catalyst_formulations: tuple[str, ...] = ()
    formulations: Mapping[str, str] = field(default_factory=dict)  # code -> name

    def name(self, code_or_text: str) -> str:
        return self.names.get(code_or_text, code_or_text)

    def where(self, codes: Sequence[str]) -> str:
        """Where the ingredients are found, for an allergy's headline."""
        if codes and all(c in self.catalyst for c in codes):
            n = len(self.catalyst_formulations)
            if n == 2:
                return "in the catalyst of both formulations"
            if n > 2:
                return "in the catalyst of every formulation"
            return "in the catalyst of " + ", ".join(self.catalyst_formulations or ("-",))
        return ""


@dataclass(frozen=True)
class Acknowledged:
    by: str
    at: datetime
    reason: str


@dataclass(frozen=True)
class FindingView:
    code: str
    severity: str
    cause: str  # what was found, e.g. "Psoriasis" or "Allergy to Rutin (in the catalyst…)"
    message: str
    action: str
    acknowledged: Acknowledged | None = None


def finding_cause(finding: Mapping, ingredients: Ingredients) -> str:
    """The headline of a finding: what was found, never only its category.

    >>> finding_cause({"code": "psoriasis"}, Ingredients({}))
    'Psoriasis'
    >>> finding_cause({"code": "ingredient_allergy", "details": {"ingredients": ["rutin"]}},
    ...     Ingredients({"rutin": "Rutin"}, frozenset({"rutin"}), ("A", "B")))
    'Allergy to Rutin (in the catalyst of both formulations)'
    """
    code = finding.get("code", "")
    details = finding.get("details") or {}
    if code in CONDITIONS and code != "ingredient_allergy":
        return CONDITIONS[code].label
    if code == "ingredient_allergy":
        codes = list(details.get("ingredients") or [])
        if not codes:
            return "Allergy to an active ingredient, not named"
        names = ", ".join(ingredients.name(c) for c in codes)
        formulation = details.get("formulation", "")
        where = ingredients.where(codes) or (
            f"in {ingredients.formulations.get(formulation, formulation or 'the formulation')}"
        )
        return f"Allergy to {names} ({where})"
    if code == "other_allergy":
        text = details.get("allergy")
        return f"Allergy to {text} (no ingredient)" if text else "Other allergy"
    if code == "allergic_reaction":
        formulation = details.get("formulation", "")
        return (
            "Allergic reaction after a session with "
            f"{ingredients.formulations.get(formulation, formulation or 'the formulation')}"
        )
    return ADVISORY_TITLES.get(code, finding.get("message", code))


def describe_findings(
    findings: Sequence[Mapping], ingredients: Ingredients, acknowledged: Acknowledged | None
) -> list[FindingView]:
    """Findings as a clinician reads them, worst first; relative ones carry the
    acknowledgement that answered them."""
    order = {"absolute": 0, "relative": 1, "advisory": 2}
    views = [
        FindingView(
            code=f.get("code", ""),
            severity=f.get("severity", "advisory"),
            cause=finding_cause(f, ingredients),
            message=f.get("message", ""),
            action=f.get("action", ""),
            acknowledged=acknowledged if f.get("severity") == "relative" else None,
        )
        for f in findings
    ]
    return sorted(views, key=lambda v: order.get(v.severity, 3))


@dataclass(frozen=True)
class Banner:
    """The one sentence at the top of a result page. `tone` is an outcome colour."""

    tone: str
    title: str
    text: str
    missing: tuple[str, ...] = ()
    reminders: tuple[str, ...] = ()


def _causes(views: Sequence[FindingView], severity: str) -> str:
    causes = [v.cause for v in views if v.severity == severity]
    return ", ".join(dict.fromkeys(causes))


def outcome_banner(outcome: str, views: Sequence[FindingView], readiness: Readiness) -> Banner:
    """Never "may be booked" while the gate says no; names what was found and what is
    missing.

    >>> from patients.readiness import ready_to_book
    >>> outcome_banner("eligible", [], ready_to_book("skin", None)).title
    'No contraindication found, but not ready to book'
    """
    missing = tuple(
        r.message
        for r in readiness.reasons
        if r.code not in (Missing.EXCLUDED, Missing.DEFERRED, Missing.CAUTION_NOT_ACKNOWLEDGED)
    )
    reminders = tuple(f"{v.cause}: {v.action}" for v in views if v.code == "herpes" and v.action)
    if outcome == Outcome.EXCLUDED:
        return Banner(
            "excluded",
            f"Excluded: {_causes(views, 'absolute')}",
            "Treatment must not happen.",
        )
    if outcome == Outcome.DEFERRED:
        return Banner(
            "deferred",
            f"Deferred: {_causes(views, 'absolute')}",
            "Do not treat now. Screen again once it has resolved.",
            missing,
        )
    if outcome == Outcome.CAUTION and readiness.needs_acknowledgement:
        return Banner(
            "caution",
            f"Caution: {_causes(views, 'relative')}",
            "Weigh these findings and record an acknowledgement with a reason (below "
            "them) before a course can be booked.",
            missing,
            reminders,
        )
    if readiness.is_ready:
        found = _causes(views, "relative")
        return Banner(
            "eligible",
            "Ready to book",
            (f"Acknowledged: {found}. " if found else "No contraindication found. ")
            + "A course may be booked.",
            (),
            reminders,
        )
    found = _causes(views, "relative")
    return Banner(
        "caution",
        f"Caution acknowledged ({found}), but not ready to book"
        if found
        else "No contraindication found, but not ready to book",
        "Missing before a course can be booked:",
        missing,
        reminders,
    )


@dataclass(frozen=True)
class Alert:
    tone: str  # excluded | caution | deferred | neutral
    title: str
    text: str = ""


@dataclass(frozen=True)
class LatestScreening:
    """The facts of an indication's latest screening that the alert strip reads."""

    indication: str
    outcome: str
    findings: Sequence[Mapping]
    allergies: Sequence[str]
    acknowledged: bool
    screened_on: date | None = None  # in the practice's zone


def patient_alerts(
    latest: Mapping[str, LatestScreening | None],
    readiness: Mapping[str, Readiness],
    ingredients: Ingredients,
    *,
    deferral_days: int = 14,
) -> list[Alert]:
    """The alert strip of a patient record, most serious first: allergies, exclusions,
    deferrals, relative contraindications with their required actions, and what is
    missing before booking."""
    alerts: list[Alert] = []
    allergies = {
        ingredients.name(a): None for s in latest.values() if s is not None for a in s.allergies
    }
    if allergies:
        alerts.append(Alert("excluded", "Allergies: " + ", ".join(allergies)))
    for indication, screening in latest.items():
        if screening is None:
            continue
        name = INDICATION_NAMES.get(indication, indication)
        views = describe_findings(screening.findings, ingredients, None)
        if screening.outcome == Outcome.EXCLUDED:
            alerts.append(Alert("excluded", f"{name}: excluded", _causes(views, "absolute")))
        elif screening.outcome == Outcome.DEFERRED:
            cause = _causes(views, "absolute")
            if screening.screened_on is not None:
                due = rescreen_due_on(screening.screened_on, deferral_days)
                cause += f"; screen again from {practice_date(due)}"
            alerts.append(Alert("deferred", f"{name}: deferred", cause))
        for view in views:
            if view.severity != "relative":
                continue
            state = "acknowledged" if screening.acknowledged else "not acknowledged"
            alerts.append(Alert("caution", f"{view.cause} ({name}, {state})", view.action))
    for indication, gate in readiness.items():
        name = INDICATION_NAMES.get(indication, indication)
        for reason in gate.reasons:
            if reason.code in (
                Missing.INFORMED_CONSENT,
                Missing.EXPECTATIONS,
                Missing.PROGNOSIS_NOT_EXPLAINED,
            ):
                alerts.append(Alert("neutral", f"{name}: {reason.message}"))
    return alerts


@dataclass(frozen=True)
class NextStep:
    """The record's primary button: what to do next, for which indication."""

    kind: str  # "acknowledge" | "screen" | "rescreen" | "book"
    indication: str
    label: str
    detail: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


def next_step(readiness: Mapping[str, Readiness], *, can_screen: bool) -> NextStep | None:
    """The one next step: acknowledge a caution, screen, screen again for what is missing,
    or (when the calendar arrives) book. None for staff who cannot act on it.

    >>> from patients.readiness import ready_to_book
    >>> next_step({"skin": ready_to_book("skin", None)}, can_screen=True).label
    'Screen for skin'
    """
    if not can_screen:
        return None
    for indication, gate in readiness.items():
        if gate.needs_acknowledgement:
            name = INDICATION_NAMES[indication].lower()
            return NextStep("acknowledge", indication, f"Review and acknowledge ({name})")
    for indication, gate in readiness.items():
        if gate.is_ready:
            name = INDICATION_NAMES[indication].lower()
            return NextStep("book", indication, f"Ready to book ({name})")
    for indication, gate in readiness.items():
        if Missing.NOT_SCREENED not in gate.codes and gate.needs_new_screening:
            name = INDICATION_NAMES[indication].lower()
            return NextStep(
                "rescreen", indication, f"Screen again ({name})", gate.reasons[0].message
            )
    for indication, gate in readiness.items():
        if Missing.NOT_SCREENED in gate.codes:
            name = "skin" if indication == "skin" else "hair loss"
            return NextStep("screen", indication, f"Screen for {name}")
    return None
