"""Warnings that name the cause, the alert strip and the next step (pure)."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patients.alerts import (
    Acknowledged,
    Alert,
    Banner,
    FindingView,
    Ingredients,
    LatestScreening,
    NextStep,
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


# --- Exact wording: what a clinician reads is the rule's output, so it is pinned whole. ---


@pytest.mark.parametrize(
    ("formulations", "where"),
    [
        (("NWM-MesoLift",), "in the catalyst of NWM-MesoLift"),
        (("NWM-MesoHair", "NWM-MesoLift"), "in the catalyst of both formulations"),
        (("A", "B", "C"), "in the catalyst of every formulation"),
        ((), "in the catalyst of -"),  # no formulation holds the catalyst: say so, oddly
    ],
)
def test_where_a_catalyst_ingredient_is_found(formulations, where):
    ingredients = replace(INGREDIENTS, catalyst_formulations=formulations)
    assert ingredients.where(["rutin"]) == where
    assert ingredients.where(["rutin", "silicon"]) == where


def test_where_is_silent_unless_every_ingredient_is_in_the_catalyst():
    assert INGREDIENTS.where([]) == ""
    assert INGREDIENTS.where(["dmae"]) == ""
    assert INGREDIENTS.where(["rutin", "dmae"]) == ""


@pytest.mark.parametrize(
    ("finding", "cause"),
    [
        (
            {"code": "ingredient_allergy", "details": {"ingredients": ["rutin", "silicon"]}},
            "Allergy to Rutin, Silicon (in the catalyst of both formulations)",
        ),
        (
            {"code": "ingredient_allergy", "details": {"ingredients": ["dmae"]}},
            "Allergy to Dimethylaminoethanol (DMAE) (in the formulation)",
        ),
        (
            {
                "code": "ingredient_allergy",
                "details": {"ingredients": ["dmae"], "formulation": "x"},
            },
            "Allergy to Dimethylaminoethanol (DMAE) (in x)",
        ),
        ({"code": "other_allergy"}, "Other allergy"),
        ({"code": "other_allergy", "details": {"allergy": ""}}, "Other allergy"),
        ({"code": "some_new_advisory", "message": "Said so."}, "Said so."),
        ({"code": "some_new_advisory"}, "some_new_advisory"),
        ({}, ""),
    ],
)
def test_the_cause_falls_back_to_what_is_known(finding, cause):
    assert finding_cause(finding, INGREDIENTS) == cause


def test_findings_are_read_worst_first_with_defaults_for_missing_fields():
    views = describe_findings(
        [
            {"code": "odd", "severity": "unheard_of"},
            {"code": "note"},
            {"severity": "advisory"},
            {"code": "psoriasis", "severity": "relative"},
            {"code": "epilepsy", "severity": "absolute", "message": "M.", "action": "A."},
        ],
        INGREDIENTS,
        None,
    )
    assert views == [
        FindingView("epilepsy", "absolute", "Epilepsy", "M.", "A."),
        FindingView("psoriasis", "relative", "Psoriasis", "", ""),
        FindingView("note", "advisory", "note", "", ""),
        FindingView("", "advisory", "", "", ""),
        FindingView("odd", "unheard_of", "odd", "", ""),
    ]


def _views(*findings):
    return describe_findings(list(findings), INGREDIENTS, None)


PSORIASIS = {"code": "psoriasis", "severity": "relative", "action": "Weigh it."}
HERPES = {"code": "herpes", "severity": "relative", "action": "Give prophylaxis."}
PREGNANCY = {"code": "pregnancy", "severity": "absolute", "action": "Defer."}
NO_CONSENT = "The patient's informed consent is not recorded."


def test_the_exclusion_banner_in_full():
    gate = ready_to_book("skin", _facts(Outcome.EXCLUDED, informed_consent=False))
    banner = outcome_banner("excluded", _views({"code": "epilepsy", "severity": "absolute"}), gate)
    assert banner == Banner("excluded", "Excluded: Epilepsy", "Treatment must not happen.")


def test_the_deferral_banner_in_full():
    gate = ready_to_book("skin", _facts(Outcome.DEFERRED, informed_consent=False))
    banner = outcome_banner("deferred", _views(PREGNANCY, HERPES), gate)
    assert banner == Banner(
        "deferred",
        "Deferred: Pregnancy",
        "Do not treat now. Screen again once it has resolved.",
        (NO_CONSENT,),
    )


def test_the_caution_banner_in_full():
    gate = ready_to_book("skin", _facts(Outcome.CAUTION, informed_consent=False))
    banner = outcome_banner("caution", _views(PSORIASIS, HERPES), gate)
    assert banner == Banner(
        "caution",
        "Caution: Psoriasis, Tendency to herpes",
        "Weigh these findings and record an acknowledgement with a reason (below them) "
        "before a course can be booked.",
        (NO_CONSENT,),
        ("Tendency to herpes: Give prophylaxis.",),
    )


def test_the_ready_banner_names_what_was_acknowledged_and_keeps_the_reminder():
    gate = ready_to_book("skin", _facts(Outcome.CAUTION, acknowledged=True))
    assert outcome_banner("caution", _views(PSORIASIS, HERPES), gate) == Banner(
        "eligible",
        "Ready to book",
        "Acknowledged: Psoriasis, Tendency to herpes. A course may be booked.",
        (),
        ("Tendency to herpes: Give prophylaxis.",),
    )
    eligible = ready_to_book("skin", _facts(Outcome.ELIGIBLE))
    assert outcome_banner("eligible", [], eligible) == Banner(
        "eligible", "Ready to book", "No contraindication found. A course may be booked."
    )


def test_an_acknowledged_caution_missing_consent_is_not_ready_and_says_what_is_missing():
    gate = ready_to_book("skin", _facts(Outcome.CAUTION, acknowledged=True, informed_consent=False))
    assert outcome_banner("caution", _views(PSORIASIS, HERPES), gate) == Banner(
        "caution",
        "Caution acknowledged (Psoriasis, Tendency to herpes), but not ready to book",
        "Missing before a course can be booked:",
        (NO_CONSENT,),
        ("Tendency to herpes: Give prophylaxis.",),
    )
    eligible = ready_to_book("skin", _facts(Outcome.ELIGIBLE, informed_consent=False))
    assert outcome_banner("eligible", [], eligible) == Banner(
        "caution",
        "No contraindication found, but not ready to book",
        "Missing before a course can be booked:",
        (NO_CONSENT,),
    )


def test_the_alert_strip_in_full():
    latest = {
        "skin": None,
        "hair": LatestScreening(
            "hair",
            "deferred",
            [{"code": "male_hair_loss", "severity": "advisory"}, PREGNANCY, PSORIASIS],
            [],
            acknowledged=True,
            screened_on=date(2026, 12, 25),
        ),
        "other": LatestScreening(
            "other",
            "excluded",
            [
                {"code": "epilepsy", "severity": "absolute"},
                {
                    "code": "ingredient_allergy",
                    "severity": "absolute",
                    "details": {"ingredients": ["rutin"]},
                },
            ],
            [],
            False,
        ),
    }
    readiness = {
        "skin": ready_to_book("skin", None),
        "hair": ready_to_book(
            "hair", replace(_facts(Outcome.DEFERRED), indication="hair", patient_sex="male")
        ),
        "other": ready_to_book("other", _facts(Outcome.EXCLUDED, expectations_acknowledged=False)),
    }
    assert patient_alerts(latest, readiness, INGREDIENTS) == [
        Alert("deferred", "Hair loss: deferred", "Pregnancy; screen again from 08 Jan 2027"),
        Alert("caution", "Psoriasis (Hair loss, acknowledged)", "Weigh it."),
        Alert(
            "excluded",
            "other: excluded",
            "Epilepsy, Allergy to Rutin (in the catalyst of both formulations)",
        ),
        Alert(
            "neutral",
            "Hair loss: Not recorded that the limited prognosis of male hair loss was explained.",
        ),
        Alert(
            "neutral",
            "other: Not recorded that the patient understands the treatment is regenerative "
            "(several sessions, no immediate result).",
        ),
    ]
    later = patient_alerts(latest, readiness, INGREDIENTS, deferral_days=3)
    assert later[0].text == "Pregnancy; screen again from 28 Dec 2026"


def test_the_next_step_in_full():
    caution = ready_to_book("skin", _facts(Outcome.CAUTION))
    hair_ready = ready_to_book("hair", replace(_facts(Outcome.ELIGIBLE), indication="hair"))
    hair_no_consent = ready_to_book(
        "hair", replace(_facts(Outcome.ELIGIBLE), indication="hair", informed_consent=False)
    )
    assert next_step({"skin": caution}, can_screen=True) == NextStep(
        "acknowledge", "skin", "Review and acknowledge (skin)"
    )
    assert next_step({"hair": hair_ready}, can_screen=True) == NextStep(
        "book", "hair", "Ready to book (hair loss)"
    )
    assert next_step({"hair": hair_no_consent}, can_screen=True) == NextStep(
        "rescreen", "hair", "Screen again (hair loss)", NO_CONSENT
    )
    assert next_step({"hair": ready_to_book("hair", None)}, can_screen=True) == NextStep(
        "screen", "hair", "Screen for hair loss"
    )
    excluded = ready_to_book("skin", _facts(Outcome.EXCLUDED))
    assert next_step({"skin": excluded}, can_screen=True) is None
