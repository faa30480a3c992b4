"""Ready to book: the one gate that decides whether a course may be booked for a patient
and an indication (DOMAIN.md, "Ready to book"; API.md, `POST /courses/`).

Pure: it reads plain facts about the latest screening, never the database. The result
page, the patient record, the API's `ready_to_book` and the course booking all ask this
function, so no screen can say "may proceed" while the booking would refuse.
"""

import enum
from dataclasses import dataclass

from .screening import Outcome


class Missing(enum.StrEnum):
    """Why a patient is not ready to book, in the order a clinician resolves them."""

    NOT_SCREENED = "not_screened"
    EXCLUDED = "excluded"
    DEFERRED = "deferred"
    CAUTION_NOT_ACKNOWLEDGED = "caution_not_acknowledged"
    INFORMED_CONSENT = "informed_consent_missing"
    EXPECTATIONS = "expectations_not_acknowledged"
    PROGNOSIS_NOT_EXPLAINED = "prognosis_not_explained"
    SUPERSEDED = "superseded"


MESSAGES: dict[Missing, str] = {
    Missing.NOT_SCREENED: "Not screened for this indication.",
    Missing.EXCLUDED: "The screening excludes treatment.",
    Missing.DEFERRED: "Treatment is deferred: screen again once the condition has resolved.",
    Missing.CAUTION_NOT_ACKNOWLEDGED: (
        "Relative contraindications are not yet acknowledged by a clinician."
    ),
    Missing.INFORMED_CONSENT: "The patient's informed consent is not recorded.",
    Missing.EXPECTATIONS: (
        "Not recorded that the patient understands the treatment is regenerative "
        "(several sessions, no immediate result)."
    ),
    Missing.PROGNOSIS_NOT_EXPLAINED: (
        "Not recorded that the limited prognosis of male hair loss was explained."
    ),
    Missing.SUPERSEDED: "A newer screening for this indication replaces this one.",
}

# Reasons that only a new screening can resolve (the answers are stored as given).
NEEDS_NEW_SCREENING = frozenset(
    {
        Missing.NOT_SCREENED,
        Missing.DEFERRED,
        Missing.INFORMED_CONSENT,
        Missing.EXPECTATIONS,
        Missing.PROGNOSIS_NOT_EXPLAINED,
    }
)


@dataclass(frozen=True)
class Reason:
    code: Missing
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": str(self.code), "message": self.message}


@dataclass(frozen=True)
class ScreeningFacts:
    """What the gate needs to know about the latest screening of an indication."""

    indication: str
    outcome: Outcome
    acknowledged: bool
    informed_consent: bool
    expectations_acknowledged: bool
    patient_sex: str
    prognosis_explained: bool | None = None
    is_latest: bool = True


@dataclass(frozen=True)
class Readiness:
    indication: str
    reasons: tuple[Reason, ...]
    outcome: Outcome | None = None

    @property
    def is_ready(self) -> bool:
        return not self.reasons

    @property
    def codes(self) -> tuple[Missing, ...]:
        return tuple(r.code for r in self.reasons)

    @property
    def needs_acknowledgement(self) -> bool:
        return Missing.CAUTION_NOT_ACKNOWLEDGED in self.codes

    @property
    def needs_new_screening(self) -> bool:
        return any(code in NEEDS_NEW_SCREENING for code in self.codes)


def _reason(code: Missing) -> Reason:
    return Reason(code, MESSAGES[code])


def ready_to_book(indication: str, facts: ScreeningFacts | None) -> Readiness:
    """Whether a course may be booked for `indication`, and if not, every reason why.

    >>> ready_to_book("skin", None).codes
    (<Missing.NOT_SCREENED: 'not_screened'>,)
    >>> facts = ScreeningFacts("skin", Outcome.CAUTION, acknowledged=False,
    ...     informed_consent=True, expectations_acknowledged=True, patient_sex="female")
    >>> ready_to_book("skin", facts).codes
    (<Missing.CAUTION_NOT_ACKNOWLEDGED: 'caution_not_acknowledged'>,)
    >>> from dataclasses import replace
    >>> ready_to_book("skin", replace(facts, acknowledged=True)).is_ready
    True
    """
    if facts is None:
        return Readiness(indication, (_reason(Missing.NOT_SCREENED),))
    reasons: list[Reason] = []
    if not facts.is_latest:
        reasons.append(_reason(Missing.SUPERSEDED))
    if facts.outcome == Outcome.EXCLUDED:
        reasons.append(_reason(Missing.EXCLUDED))
    elif facts.outcome == Outcome.DEFERRED:
        reasons.append(_reason(Missing.DEFERRED))
    elif facts.outcome == Outcome.CAUTION and not facts.acknowledged:
        reasons.append(_reason(Missing.CAUTION_NOT_ACKNOWLEDGED))
    if not facts.informed_consent:
        reasons.append(_reason(Missing.INFORMED_CONSENT))
    if not facts.expectations_acknowledged:
        reasons.append(_reason(Missing.EXPECTATIONS))
    if indication == "hair" and facts.patient_sex == "male" and not facts.prognosis_explained:
        reasons.append(_reason(Missing.PROGNOSIS_NOT_EXPLAINED))
    return Readiness(indication, tuple(reasons), facts.outcome)


def facts_of(screening, *, patient_sex: str, is_latest: bool = True) -> ScreeningFacts:
    """The gate's facts from a stored screening (its acknowledgement already loaded)."""
    return ScreeningFacts(
        indication=screening.indication,
        outcome=Outcome(screening.outcome),
        acknowledged=getattr(screening, "acknowledgement", None) is not None,
        informed_consent=bool(screening.informed_consent),
        expectations_acknowledged=bool(screening.expectations_acknowledged),
        patient_sex=patient_sex,
        prognosis_explained=screening.prognosis_explained,
        is_latest=is_latest,
    )


@dataclass(frozen=True)
class Status:
    """A short label and a tone ("eligible", "caution", "deferred", "excluded", "neutral")
    for lists and badges, derived from the gate."""

    label: str
    tone: str


_SHORT: dict[Missing, str] = {
    Missing.INFORMED_CONSENT: "consent missing",
    Missing.EXPECTATIONS: "expectations not recorded",
    Missing.PROGNOSIS_NOT_EXPLAINED: "prognosis not explained",
    Missing.SUPERSEDED: "superseded",
}


def status_of(readiness: Readiness) -> Status:
    """
    >>> status_of(ready_to_book("hair", None))
    Status(label='Not screened', tone='neutral')
    """
    codes = readiness.codes
    if readiness.is_ready:
        return Status("Ready to book", "eligible")
    if Missing.NOT_SCREENED in codes:
        return Status("Not screened", "neutral")
    if Missing.EXCLUDED in codes:
        return Status("Excluded", "excluded")
    if Missing.DEFERRED in codes:
        return Status("Deferred", "deferred")
    if Missing.CAUTION_NOT_ACKNOWLEDGED in codes:
        return Status("Caution, not acknowledged", "caution")
    return Status("Not ready: " + ", ".join(_SHORT[c] for c in codes if c in _SHORT), "caution")
