"""Warnings that name the cause, the alert strip and the next step (pure)."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patients.alerts import (
    Acknowledged,
    Ingredients,
    LatestScreening,
    describe_findings,
    finding_cause,
    next_step,
    outcome_banner,
    patient_alerts,
)
from patients.readiness import ScreeningFacts, ready_to_book
from patients.screening import Outcome

INGREDIENTS = Ingredients(
    names={"rutin": "Rutin", "dmae": "Dimethylaminoethanol (DMAE)", "silicon": "Silicon"},
    catalyst=frozenset({"rutin", "silicon"}),
    catalyst_formulations=("NWM-MesoHair", "NWM-MesoLift"),
    formulations={"mesolift": "NWM-MesoLift", "mesohair": "NWM-MesoHair"},
)


@pytest.mark.parametrize(
    ("finding", "cause"),
    [
        ({"code": "psoriasis", "severity": "relative"}, "Psoriasis"),
        ({"code": "epilepsy", "severity": "absolute"}, "Epilepsy"),
        (
            {"code": "ingredient_allergy", "details": {"ingredients": ["rutin"]}},
            "Allergy to Rutin (in the catalyst of both formulations)",
        ),
        (
            {
                "code": "ingredient_allergy",
                "details": {"ingredients": ["dmae"], "formulation": "mesolift"},
            },
            "Allergy to Dimethylaminoethanol (DMAE) (in NWM-MesoLift)",
        ),
        ({"code": "ingredient_allergy"}, "Allergy to an active ingredient, not named"),
        (
            {"code": "other_allergy", "details": {"allergy": "penicillin"}},
            "Allergy to penicillin (no ingredient)",
        ),
        ({"code": "male_hair_loss"}, "Male hair loss: limited prognosis"),
    ],
)
def test_the_cause_is_named(finding, cause):
    assert finding_cause(finding, INGREDIENTS) == cause


def test_one_catalyst_formulation_is_named_itself():
    one = replace(INGREDIENTS, catalyst_formulations=("NWM-MesoLift",))
    finding = {"code": "ingredient_allergy", "details": {"ingredients": ["silicon"]}}
    assert finding_cause(finding, one) == "Allergy to Silicon (in the catalyst of NWM-MesoLift)"


def test_relative_findings_carry_the_acknowledgement_and_come_after_absolute_ones():
    from datetime import UTC, datetime

    ack = Acknowledged("Dr. Lena Hoffmann", datetime(2026, 1, 5, tzinfo=UTC), "stable")
    views = describe_findings(
        [
            {"code": "informed_consent_missing", "severity": "advisory"},
            {"code": "herpes", "severity": "relative", "action": "Give prophylaxis."},
            {"code": "pregnancy", "severity": "absolute"},
        ],
        INGREDIENTS,
        ack,
    )
    assert [v.code for v in views] == ["pregnancy", "herpes", "informed_consent_missing"]
    assert views[1].acknowledged == ack
    assert views[0].acknowledged is None and views[2].acknowledged is None


def _facts(outcome, **kw):
    base = {
        "acknowledged": False,
        "informed_consent": True,
        "expectations_acknowledged": True,
        "patient_sex": "female",
    }
    return ScreeningFacts("skin", outcome, **{**base, **kw})


def test_an_unanswered_screening_never_reads_as_may_proceed():
    gate = ready_to_book(
        "skin", _facts(Outcome.ELIGIBLE, informed_consent=False, expectations_acknowledged=False)
    )
    banner = outcome_banner("eligible", [], gate)
    assert banner.title == "No contraindication found, but not ready to book"
    assert banner.tone == "caution"
    assert "may" not in banner.text
    assert len(banner.missing) == 2 and "consent" in banner.missing[0]


def test_the_caution_banner_names_each_finding_and_reminds_of_prophylaxis():
    views = describe_findings(
        [
            {"code": "psoriasis", "severity": "relative", "action": "Weigh it."},
            {"code": "herpes", "severity": "relative", "action": "Give prophylaxis."},
        ],
        INGREDIENTS,
        None,
    )
    banner = outcome_banner("caution", views, ready_to_book("skin", _facts(Outcome.CAUTION)))
    assert banner.title == "Caution: Psoriasis, Tendency to herpes"
    assert banner.reminders == ("Tendency to herpes: Give prophylaxis.",)


def test_exclusion_banner_names_the_allergy():
    views = describe_findings(
        [
            {
                "code": "ingredient_allergy",
                "severity": "absolute",
                "details": {"ingredients": ["rutin"]},
            }
        ],
        INGREDIENTS,
        None,
    )
    banner = outcome_banner("excluded", views, ready_to_book("skin", _facts(Outcome.EXCLUDED)))
    assert banner.title == "Excluded: Allergy to Rutin (in the catalyst of both formulations)"


@given(
    outcome=st.sampled_from(list(Outcome)),
    acknowledged=st.booleans(),
    consent=st.booleans(),
    expectations=st.booleans(),
)
def test_the_banner_says_a_course_may_be_booked_only_when_the_gate_agrees(
    outcome, acknowledged, consent, expectations
):
    gate = ready_to_book(
        "skin",
        _facts(
            outcome,
            acknowledged=acknowledged,
            informed_consent=consent,
            expectations_acknowledged=expectations,
        ),
    )
    banner = outcome_banner(str(outcome), [], gate)
    says_go = "may be booked" in banner.text or banner.title == "Ready to book"
    assert says_go is gate.is_ready
    assert (banner.tone == "eligible") is gate.is_ready


def test_the_alert_strip_names_allergies_deferrals_actions_and_missing_consent():
    latest = {
        "skin": LatestScreening(
            "skin",
            "caution",
            [{"code": "herpes", "severity": "relative", "action": "Give prophylaxis."}],
            ["rutin", "latex"],
            acknowledged=False,
        ),
        "hair": LatestScreening(
            "hair", "deferred", [{"code": "pregnancy", "severity": "absolute"}], [], False
        ),
    }
    readiness = {
        "skin": ready_to_book("skin", _facts(Outcome.CAUTION)),
        "hair": ready_to_book("hair", _facts(Outcome.DEFERRED, informed_consent=False)),
    }
    titles = [(a.tone, a.title, a.text) for a in patient_alerts(latest, readiness, INGREDIENTS)]
    assert titles[0] == ("excluded", "Allergies: Rutin, latex", "")
    assert ("deferred", "Hair loss: deferred", "Pregnancy") in titles
    assert (
        "caution",
        "Tendency to herpes (Skin, not acknowledged)",
        "Give prophylaxis.",
    ) in titles
    assert ("neutral", "Hair loss: The patient's informed consent is not recorded.", "") in titles


def test_the_next_step_is_acknowledge_then_book_then_screen_again_then_screen():
    caution = ready_to_book("skin", _facts(Outcome.CAUTION))
    ready = ready_to_book("skin", _facts(Outcome.ELIGIBLE))
    no_consent = ready_to_book("hair", replace(_facts(Outcome.ELIGIBLE), informed_consent=False))
    unscreened = ready_to_book("hair", None)
    assert next_step({"skin": caution, "hair": unscreened}, can_screen=True).kind == "acknowledge"
    assert next_step({"skin": ready, "hair": unscreened}, can_screen=True).kind == "book"
    step = next_step({"skin": ready_to_book("skin", None), "hair": no_consent}, can_screen=True)
    assert step.kind == "rescreen" and step.indication == "hair"
    assert next_step({"skin": unscreened, "hair": unscreened}, can_screen=True).label == (
        "Screen for skin"
    )
    # A manager cannot screen or acknowledge: no primary button leads to a 403.
    assert next_step({"skin": caution}, can_screen=False) is None
