"""The pre-session check as a pure function: the intake's engine over the screening's
answers plus today's; blocking findings, new relative findings and herpes prophylaxis."""

from datetime import date

import pytest

from protocols.specs import FormulationSpec
from sessions.pre_check import CheckAnswers, ScreeningBasis, evaluate_check

LIFT = FormulationSpec("mesolift", "NWM-MesoLift", {"rutin": "Rutin", "dmae": "DMAE"})
TODAY = date(2026, 11, 25)


def basis(conditions=(), allergies=(), findings=(), sex="female"):
    return ScreeningBasis("skin", sex, frozenset(conditions), tuple(allergies), frozenset(findings))


@pytest.mark.parametrize(
    ("today", "outcome"),
    [
        ("pregnancy", "deferred"),
        ("acute_infection", "deferred"),
        ("acute_inflammatory_dermatosis", "deferred"),
        ("epilepsy", "excluded"),
    ],
)
def test_a_condition_found_today_blocks(today, outcome):
    verdict = evaluate_check(basis(), CheckAnswers(TODAY, frozenset({today})), LIFT)
    assert verdict.is_blocked and verdict.outcome == outcome
    assert [f.code for f in verdict.blocking] == [today]
    assert verdict.errors == {}


def test_nothing_new_is_clear():
    verdict = evaluate_check(basis(), CheckAnswers(TODAY), LIFT)
    assert not verdict.is_blocked and verdict.outcome == "eligible" and verdict.errors == {}


def test_a_new_allergy_to_an_ingredient_excludes():
    verdict = evaluate_check(basis(), CheckAnswers(TODAY, new_allergies=("DMAE",)), LIFT)
    assert verdict.outcome == "excluded" and verdict.is_blocked


def test_an_allergy_known_at_screening_still_counts():
    verdict = evaluate_check(basis(allergies=("rutin",)), CheckAnswers(TODAY), LIFT)
    assert verdict.outcome == "excluded"


def test_herpes_from_the_screening_needs_prophylaxis_each_session():
    b = basis(conditions=["herpes"], findings=["herpes"])
    assert "herpes_prophylaxis_given" in evaluate_check(b, CheckAnswers(TODAY), LIFT).errors
    given = CheckAnswers(TODAY, herpes_prophylaxis_given=True)
    assert evaluate_check(b, given, LIFT).errors == {}
    assert evaluate_check(b, given, LIFT).herpes_prone
    refused = CheckAnswers(TODAY, herpes_prophylaxis_given=False)
    assert "herpes_prophylaxis_given" in evaluate_check(b, refused, LIFT).errors


def test_a_relative_finding_new_since_the_screening_needs_a_reason():
    today = CheckAnswers(TODAY, frozenset({"psoriasis"}))
    errors = evaluate_check(basis(), today, LIFT).errors
    assert errors == {
        "caution_acknowledgement": [
            "Newly found since the screening: Psoriasis. Weigh it and give your reason to proceed."
        ]
    }
    reasoned = CheckAnswers(TODAY, frozenset({"psoriasis"}), caution_acknowledgement="Mild, stable")
    assert evaluate_check(basis(), reasoned, LIFT).errors == {}
    known = basis(conditions=["psoriasis"], findings=["psoriasis"])
    assert evaluate_check(known, CheckAnswers(TODAY), LIFT).errors == {}


def test_a_blank_reason_is_no_reason():
    today = CheckAnswers(TODAY, frozenset({"psoriasis"}), caution_acknowledgement="   ")
    assert "caution_acknowledgement" in evaluate_check(basis(), today, LIFT).errors


def test_a_blocked_check_asks_for_nothing_else():
    b = basis(conditions=["herpes"], findings=["herpes"])
    verdict = evaluate_check(b, CheckAnswers(TODAY, frozenset({"pregnancy"})), LIFT)
    assert verdict.is_blocked and verdict.errors == {}
