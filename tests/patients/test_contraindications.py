"""DOMAIN.md's contraindication tables as data: each condition's severity, kind and the
action the clinician is told to take. The actions are clinical instructions, so each is
asserted: a relative contraindication that stopped saying "weigh and acknowledge", or
herpes without its prophylaxis, would still pass every outcome test."""

import pytest

from patients.contraindications import CONDITIONS, Kind, Severity
from patients.screening import Outcome, ScreeningAnswers, screen
from tests.patients.test_screening_rules import LIFT, RELATIVE, TODAY

WEIGH = "Weigh the risk and record an acknowledgement with a reason before booking."


@pytest.mark.parametrize("code", [c for c in RELATIVE if c != "herpes"])
def test_each_relative_contraindication_tells_the_clinician_to_weigh_and_acknowledge(code):
    condition = CONDITIONS[code]
    assert (condition.severity, condition.kind) == (Severity.RELATIVE, Kind.WEIGHED)
    assert condition.action == WEIGH
    answers = ScreeningAnswers("skin", TODAY, conditions=frozenset({code}))
    (finding, *_) = screen(answers, [LIFT]).findings
    assert finding.action == WEIGH
    assert finding.message == f"{condition.label}: relative contraindication."


def test_herpes_asks_for_prophylaxis_before_each_session_and_an_acknowledgement():
    herpes = CONDITIONS["herpes"]
    assert (herpes.severity, herpes.kind) == (Severity.RELATIVE, Kind.WEIGHED)
    assert herpes.action == (
        "Give herpes prophylaxis before each session; acknowledge before booking."
    )
    answers = ScreeningAnswers("skin", TODAY, conditions=frozenset({"herpes"}))
    (finding, *_) = screen(answers, [LIFT]).findings
    assert finding.action == herpes.action


@pytest.mark.parametrize(
    ("kind", "effect", "text"),
    [
        (Kind.PERMANENT, Outcome.EXCLUDED, "absolute contraindication"),
        (Kind.TEMPORARY, Outcome.DEFERRED, "temporary absolute contraindication"),
    ],
)
def test_absolute_contraindications_say_what_to_do(kind, effect, text):
    for condition in (c for c in CONDITIONS.values() if c.kind == kind):
        assert condition.severity == Severity.ABSOLUTE
        answers = ScreeningAnswers("skin", TODAY, conditions=frozenset({condition.code}))
        (finding, *_) = screen(answers, [LIFT]).findings
        assert finding.effect == effect
        assert finding.message == f"{condition.label}: {text}."
        if kind == Kind.TEMPORARY:
            assert finding.action == "Defer treatment and screen again once it has resolved."
        else:
            assert finding.action.startswith("Do not treat")


def test_every_relative_finding_carries_its_action_through_the_api(screen_via_api, patient_a):
    body = screen_via_api(
        patient_a,
        indication="skin",
        conditions=sorted(RELATIVE),
        informed_consent=True,
        expectations_acknowledged=True,
    ).json()
    actions = {f["code"]: f["action"] for f in body["findings"]}
    assert actions == {
        code: (CONDITIONS["herpes"].action if code == "herpes" else WEIGH) for code in RELATIVE
    }
    assert {f["severity"] for f in body["findings"]} == {"relative"}
