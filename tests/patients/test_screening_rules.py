"""The rules engine, without a database: every row of DOMAIN.md's tables, precedence,
allergies against every ingredient, hair-loss advisories, and monotonicity."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patients.screening import (
    CONDITIONS,
    RULE_SET_VERSION,
    FormulationSpec,
    Kind,
    Outcome,
    ScreeningAnswers,
    Severity,
    UnknownCode,
    match_allergy,
    screen,
    worst,
)

CATALYST = {"multivitamins": "Multivitamins", "silicon": "Silicon", "rutin": "Rutin"}
LIFT = FormulationSpec(
    "mesolift",
    "NWM-MesoLift",
    {
        **CATALYST,
        "hyaluronic_acid": "Hyaluronic acid (uncross-linked)",
        "dmae": "Dimethylaminoethanol (DMAE)",
        "centella_asiatica": "Centella asiatica",
    },
)
HAIR = FormulationSpec("mesohair", "NWM-MesoHair", dict(CATALYST))
TODAY = date(2026, 11, 25)
CONSENTED = {"informed_consent": True, "expectations_acknowledged": True}


def skin(**kw) -> ScreeningAnswers:
    return ScreeningAnswers("skin", TODAY, **{**CONSENTED, **kw})


def hair(**kw) -> ScreeningAnswers:
    base = {
        "hair_loss_onset": date(2026, 1, 1),
        "insurance_options_considered": True,
        "therapy_goal": "regrowth",
    }
    return ScreeningAnswers("hair", TODAY, **{**CONSENTED, **base, **kw})


def codes(result):
    return [f.code for f in result.findings]


# DOMAIN.md, absolute contraindications: code -> outcome on its own.
ABSOLUTE = {
    "pregnancy": Outcome.DEFERRED,
    "multiple_allergies": Outcome.EXCLUDED,
    "hypertrophic_scarring": Outcome.EXCLUDED,
    "pigment_disorder": Outcome.EXCLUDED,
    "active_autoimmune_disease": Outcome.EXCLUDED,
    "severe_cardiovascular_disease": Outcome.EXCLUDED,
    "severe_metabolic_disorder": Outcome.EXCLUDED,
    "acute_infection": Outcome.DEFERRED,
    "acute_inflammatory_dermatosis": Outcome.DEFERRED,
    "epilepsy": Outcome.EXCLUDED,
}
RELATIVE = [
    "psoriasis",
    "neurodermatitis",
    "bleeding_disorder",
    "herpes",
    "body_dysmorphic_disorder",
]


def test_the_rule_set_covers_exactly_domain_md():
    assert set(CONDITIONS) == set(ABSOLUTE) | set(RELATIVE) | {"ingredient_allergy"}


def test_no_findings_is_eligible():
    result = screen(skin(), [LIFT])
    assert result.outcome == Outcome.ELIGIBLE and result.findings == ()
    assert result.rule_set_version == RULE_SET_VERSION


@pytest.mark.parametrize("code, outcome", sorted(ABSOLUTE.items()))
@pytest.mark.parametrize("answers, formulation", [(skin, LIFT), (hair, HAIR)])
def test_each_absolute_contraindication(code, outcome, answers, formulation):
    result = screen(answers(conditions=frozenset({code})), [formulation])
    assert result.outcome == outcome
    (finding,) = [f for f in result.findings if f.code == code]
    assert finding.severity == Severity.ABSOLUTE
    assert finding.action


@pytest.mark.parametrize("code", RELATIVE)
def test_each_relative_contraindication_is_caution_needing_acknowledgement(code):
    result = screen(skin(conditions=frozenset({code})), [LIFT])
    assert result.outcome == Outcome.CAUTION and result.needs_acknowledgement
    (finding,) = result.findings
    assert finding.code == code and finding.severity == Severity.RELATIVE


def test_herpes_requires_prophylaxis_before_each_session():
    (finding,) = screen(skin(conditions=frozenset({"herpes"})), [LIFT]).findings
    assert "prophylaxis before each session" in finding.action


@pytest.mark.parametrize("ingredient", sorted(LIFT.ingredients))
def test_allergy_to_any_mesolift_ingredient_excludes_skin(ingredient):
    result = screen(skin(allergies=(ingredient,)), [LIFT])
    assert result.outcome == Outcome.EXCLUDED
    assert codes(result) == ["ingredient_allergy"]
    assert result.findings[0].details["ingredients"] == [ingredient]


@pytest.mark.parametrize("ingredient", sorted(CATALYST))
def test_catalyst_allergy_excludes_both_formulations(ingredient):
    assert screen(skin(allergies=(ingredient,)), [LIFT]).outcome == Outcome.EXCLUDED
    assert screen(hair(allergies=(ingredient,)), [HAIR]).outcome == Outcome.EXCLUDED


def test_allergy_to_a_mesolift_only_active_does_not_exclude_hair():
    result = screen(hair(allergies=("dmae",)), [HAIR])
    assert result.outcome == Outcome.ELIGIBLE
    assert codes(result) == ["other_allergy"]


def test_allergy_named_in_free_text_is_matched_by_name():
    result = screen(skin(allergies=("Hyaluronic acid",)), [LIFT])
    assert result.outcome == Outcome.EXCLUDED
    assert match_allergy("Centella Asiatica ", LIFT.ingredients) == "centella_asiatica"
    assert match_allergy("DMAE", LIFT.ingredients) == "dmae"


def test_unrelated_allergy_is_kept_as_advisory():
    result = screen(skin(allergies=("penicillin",)), [LIFT])
    assert result.outcome == Outcome.ELIGIBLE
    (finding,) = result.findings
    assert finding.code == "other_allergy" and "penicillin" in finding.message
    assert finding.severity == Severity.ADVISORY


def test_ingredient_allergy_stated_without_naming_one_excludes():
    result = screen(skin(conditions=frozenset({"ingredient_allergy"})), [LIFT])
    assert result.outcome == Outcome.EXCLUDED
    assert "name the ingredient" in result.findings[0].action.lower()


def test_allergy_leaving_another_formulation_of_the_indication_only_restricts():
    other = FormulationSpec("mesolift_pure", "MesoLift without catalyst", {"dmae": "DMAE"})
    result = screen(skin(allergies=("rutin",)), [LIFT, other])
    assert result.outcome == Outcome.ELIGIBLE
    assert "Do not use NWM-MesoLift" in result.findings[0].action


@pytest.mark.parametrize(
    "conditions, outcome",
    [
        ({"epilepsy", "pregnancy", "herpes"}, Outcome.EXCLUDED),
        ({"pregnancy", "psoriasis"}, Outcome.DEFERRED),
        ({"acute_infection", "acute_inflammatory_dermatosis"}, Outcome.DEFERRED),
        ({"psoriasis", "herpes"}, Outcome.CAUTION),
    ],
)
def test_outcome_is_the_worst_finding(conditions, outcome):
    assert screen(skin(conditions=frozenset(conditions)), [LIFT]).outcome == outcome


def test_precedence_order():
    assert worst([]) == Outcome.ELIGIBLE
    order = [Outcome.ELIGIBLE, Outcome.CAUTION, Outcome.DEFERRED, Outcome.EXCLUDED]
    for i, better in enumerate(order):
        for worse in order[i:]:
            assert worst([better, worse]) == worse


def test_unknown_condition_code_is_refused_naming_it():
    with pytest.raises(UnknownCode) as exc:
        screen(skin(conditions=frozenset({"vampirism"})), [LIFT])
    assert "vampirism" in str(exc.value)


def test_male_hair_loss_is_advisory_and_asks_for_the_explanation():
    result = screen(hair(sex="male"), [HAIR])
    assert result.outcome == Outcome.ELIGIBLE
    (finding,) = [f for f in result.findings if f.code == "male_hair_loss"]
    assert finding.severity == Severity.ADVISORY and "Explain" in finding.action
    explained = screen(hair(sex="male", prognosis_explained=True), [HAIR])
    (finding,) = [f for f in explained.findings if f.code == "male_hair_loss"]
    assert finding.action == "" and "explained" in finding.message


def test_male_advisory_only_for_hair():
    assert "male_hair_loss" not in codes(screen(skin(sex="male"), [LIFT]))


@pytest.mark.parametrize(
    "onset, warned",
    [
        (date(2024, 11, 25), False),  # exactly two years
        (date(2024, 11, 24), True),
        (date(2020, 5, 1), True),
        (date(2026, 6, 1), False),
    ],
)
def test_hair_loss_over_two_years_warns(onset, warned):
    result = screen(hair(hair_loss_onset=onset), [HAIR])
    assert ("hair_loss_over_two_years" in codes(result)) is warned
    assert result.outcome == Outcome.ELIGIBLE


def test_hair_answers_missing_are_advisories():
    result = screen(
        hair(hair_loss_onset=None, insurance_options_considered=False, therapy_goal=None), [HAIR]
    )
    assert set(codes(result)) == {
        "hair_loss_onset_unknown",
        "insurance_options_not_considered",
        "therapy_goal_missing",
    }
    assert result.outcome == Outcome.ELIGIBLE


@pytest.mark.parametrize("goal", ["regrowth", "stabilise"])
def test_either_therapy_goal_is_accepted(goal):
    assert "therapy_goal_missing" not in codes(screen(hair(therapy_goal=goal), [HAIR]))


def test_missing_consent_and_expectations_are_flagged():
    result = screen(ScreeningAnswers("skin", TODAY), [LIFT])
    assert codes(result) == ["informed_consent_missing", "expectations_not_acknowledged"]
    assert result.outcome == Outcome.ELIGIBLE


def test_every_condition_kind_maps_to_its_outcome():
    for condition in CONDITIONS.values():
        if condition.kind == Kind.PER_FORMULATION:
            continue
        result = screen(skin(conditions=frozenset({condition.code})), [LIFT])
        expected = {
            Kind.PERMANENT: Outcome.EXCLUDED,
            Kind.TEMPORARY: Outcome.DEFERRED,
            Kind.WEIGHED: Outcome.CAUTION,
        }[condition.kind]
        assert result.outcome == expected, condition.code


condition_sets = st.frozensets(st.sampled_from(sorted(CONDITIONS)))
allergy_lists = st.lists(
    st.sampled_from([*sorted(LIFT.ingredients), "penicillin", "latex", "Rutin"]), max_size=4
)


@given(
    conditions=condition_sets,
    allergies=allergy_lists,
    extra_condition=st.sampled_from(sorted(CONDITIONS)),
    extra_allergy=st.sampled_from([*sorted(LIFT.ingredients), "penicillin"]),
    indication=st.sampled_from(["skin", "hair"]),
    sex=st.sampled_from(["female", "male", "other"]),
)
def test_adding_a_finding_never_improves_the_outcome(
    conditions, allergies, extra_condition, extra_allergy, indication, sex
):
    formulation = LIFT if indication == "skin" else HAIR
    base = ScreeningAnswers(
        indication, TODAY, sex=sex, conditions=conditions, allergies=tuple(allergies)
    )
    before = screen(base, [formulation]).outcome
    more_conditions = ScreeningAnswers(
        indication,
        TODAY,
        sex=sex,
        conditions=conditions | {extra_condition},
        allergies=tuple(allergies),
    )
    more_allergies = ScreeningAnswers(
        indication,
        TODAY,
        sex=sex,
        conditions=conditions,
        allergies=(*allergies, extra_allergy),
    )
    assert screen(more_conditions, [formulation]).outcome.rank >= before.rank
    assert screen(more_allergies, [formulation]).outcome.rank >= before.rank


def test_docstring_examples_hold():
    import doctest

    import patients.screening

    assert doctest.testmod(patients.screening).failed == 0


@pytest.mark.parametrize(
    "screened_on, warned",
    [
        (date(2026, 2, 27), False),
        (date(2026, 2, 28), False),  # two years after 29 February 2024: no 29th in 2026
        (date(2026, 3, 1), True),
    ],
)
def test_hair_loss_since_29_february_is_two_years_old_on_28_february(screened_on, warned):
    answers = replace(hair(hair_loss_onset=date(2024, 2, 29)), screened_on=screened_on)
    assert ("hair_loss_over_two_years" in codes(screen(answers, [HAIR]))) is warned


# A made-up formulation whose names start with words of 3, 4 and 5 letters.
PREFIXES = {"oat_extract": "Oat extract", "rose_hip_oil": "Rose hip oil", "aloes_gel": "Aloes gel"}


@pytest.mark.parametrize(
    "allergy, matched",
    [
        ("oat", None),  # three letters: too short to be read as a name
        ("rose", "rose_hip_oil"),  # four letters: matched by its name's first word
        ("Aloes", "aloes_gel"),  # five letters
        ("aloe", None),  # a part of a word, not a whole word of the name
        ("rose hip", "rose_hip_oil"),
        ("hip", None),  # a later word is no prefix
    ],
)
def test_a_name_prefix_of_four_letters_or_more_matches(allergy, matched):
    assert match_allergy(allergy, PREFIXES) == matched


def test_a_prefix_match_excludes_through_the_engine():
    hyaluronic = screen(skin(allergies=("Hyaluronic",)), [LIFT])
    assert hyaluronic.outcome == Outcome.EXCLUDED
    assert hyaluronic.findings[0].details["ingredients"] == ["hyaluronic_acid"]


@pytest.mark.parametrize(
    "text, matched",
    [
        ("  HYALURONIC-acid!! ", "hyaluronic_acid"),  # case, spacing and punctuation
        ("dimethylaminoethanol (dmae)", "dmae"),  # the full name
        ("dimethylaminoethanol", "dmae"),  # the full name's first word
        ("(DMAE)", "dmae"),  # the bracketed short name
        ("", None),
        ("  ", None),
        ("---", None),
    ],
)
def test_allergies_match_by_code_name_or_bracketed_name(text, matched):
    assert match_allergy(text, LIFT.ingredients) == matched


def test_ingredient_allergy_is_absolute_and_other_allergy_advisory():
    result = screen(skin(allergies=("rutin", "latex")), [LIFT])
    by_code = {f.code: f for f in result.findings}
    assert by_code["ingredient_allergy"].severity == Severity.ABSOLUTE
    assert by_code["ingredient_allergy"].effect == Outcome.EXCLUDED
    assert by_code["ingredient_allergy"].as_dict()["severity"] == "absolute"
    assert by_code["other_allergy"].severity == Severity.ADVISORY
    assert by_code["other_allergy"].effect == Outcome.ELIGIBLE
    assert by_code["other_allergy"].as_dict()["severity"] == "advisory"
    assert by_code["other_allergy"].details == {"allergy": "latex"}
    assert result.outcome == Outcome.EXCLUDED


def test_an_unnamed_ingredient_allergy_is_absolute_and_excludes_every_formulation():
    other = FormulationSpec("mesolift_pure", "MesoLift without catalyst", {"dmae": "DMAE"})
    result = screen(skin(conditions=frozenset({"ingredient_allergy"})), [LIFT, other])
    (finding,) = result.findings
    assert finding.code == "ingredient_allergy"
    assert finding.severity == Severity.ABSOLUTE and finding.effect == Outcome.EXCLUDED
    assert result.outcome == Outcome.EXCLUDED
    assert "NWM-MesoLift, MesoLift without catalyst" in finding.message


def test_a_named_allergy_with_the_condition_ticked_is_judged_by_the_name():
    ticked = skin(conditions=frozenset({"ingredient_allergy"}), allergies=("dmae",))
    other = FormulationSpec("mesolift_pure", "MesoLift without catalyst", {"rutin": "Rutin"})
    result = screen(ticked, [LIFT, other])
    (finding,) = result.findings
    assert finding.details == {"formulation": "mesolift", "ingredients": ["dmae"]}
    assert finding.severity == Severity.ABSOLUTE and finding.effect == Outcome.ELIGIBLE
    assert finding.action == "Do not use NWM-MesoLift."
    assert result.outcome == Outcome.ELIGIBLE


def test_an_allergy_that_leaves_no_formulation_says_so():
    (finding,) = screen(skin(allergies=("dmae", "Rutin")), [LIFT]).findings
    assert finding.details == {"formulation": "mesolift", "ingredients": ["dmae", "rutin"]}
    assert finding.action == "Do not use NWM-MesoLift. No formulation for this indication remains."
    assert finding.message == (
        "Allergy to Dimethylaminoethanol (DMAE), Rutin, an ingredient of NWM-MesoLift."
    )


def test_blank_allergy_answers_are_ignored():
    assert screen(skin(allergies=("", "   ")), [LIFT]).findings == ()


# Every finding is stored as it was judged, with the rule set's version: a change to what
# a stored finding says is a change of the rule set. These pin whole findings, so such a
# change is deliberate (and bumps RULE_SET_VERSION), never a side effect.
def _advisory(code, message, action):
    return {
        "code": code,
        "severity": "advisory",
        "message": message,
        "action": action,
        "effect": "eligible",
    }


NO_CONSENT_FINDINGS = [
    _advisory(
        "informed_consent_missing",
        "The patient's informed consent is not recorded.",
        "Obtain and record consent: no course can be booked without it.",
    ),
    _advisory(
        "expectations_not_acknowledged",
        "Not recorded that the patient understands the treatment is regenerative: "
        "several sessions, no immediate result.",
        "Explain and record it: no course can be booked without it.",
    ),
]


def test_the_findings_of_an_unanswered_hair_screening_in_full():
    findings = screen(ScreeningAnswers("hair", TODAY, sex="male"), [HAIR]).findings
    assert [f.as_dict() for f in findings] == [
        _advisory(
            "male_hair_loss",
            "Male hair loss is more strongly genetic: the prognosis is limited.",
            "Explain the limited prognosis and record it.",
        ),
        _advisory(
            "hair_loss_onset_unknown",
            "Onset of hair loss not recorded.",
            "Record when the hair loss began: the chance of success depends on it.",
        ),
        _advisory(
            "insurance_options_not_considered",
            "Procedures covered by statutory health insurance come first.",
            "Record that they were considered.",
        ),
        _advisory(
            "therapy_goal_missing",
            "No therapy goal recorded (regrowth or stabilise).",
            "Agree the goal with the patient.",
        ),
        *NO_CONSENT_FINDINGS,
    ]


def test_the_findings_of_an_explained_long_hair_loss_in_full():
    answers = hair(
        sex="male",
        prognosis_explained=True,
        hair_loss_onset=date(2020, 1, 1),
        therapy_goal="stabilise",
    )
    assert [f.as_dict() for f in screen(answers, [HAIR]).findings] == [
        _advisory(
            "male_hair_loss",
            "Male hair loss is more strongly genetic: the prognosis is limited "
            "(explained to the patient).",
            "",
        ),
        _advisory(
            "hair_loss_over_two_years",
            "Hair loss began more than 2 years ago: fewer intact follicles remain, so the "
            "chance of success is reduced.",
            "Set expectations accordingly; consider 'stabilise' as the goal.",
        ),
    ]


def test_the_findings_of_conditions_and_allergies_in_full():
    answers = skin(conditions=frozenset({"herpes", "pregnancy"}), allergies=("rutin", "Latex"))
    assert [f.as_dict() for f in screen(answers, [LIFT]).findings] == [
        {
            "code": "pregnancy",
            "severity": "absolute",
            "message": "Pregnancy: temporary absolute contraindication.",
            "action": "Defer treatment and screen again once it has resolved.",
            "effect": "deferred",
        },
        {
            "code": "herpes",
            "severity": "relative",
            "message": "Tendency to herpes: relative contraindication.",
            "action": "Give herpes prophylaxis before each session; acknowledge before booking.",
            "effect": "caution",
        },
        {
            "code": "ingredient_allergy",
            "severity": "absolute",
            "message": "Allergy to Rutin, an ingredient of NWM-MesoLift.",
            "action": "Do not use NWM-MesoLift. No formulation for this indication remains.",
            "effect": "excluded",
            "details": {"formulation": "mesolift", "ingredients": ["rutin"]},
        },
        {
            "code": "other_allergy",
            "severity": "advisory",
            "message": "Allergy to 'Latex' recorded: not an ingredient of NWM-MesoLift.",
            "action": "Check any other product used in the session against it.",
            "effect": "eligible",
            "details": {"allergy": "Latex"},
        },
    ]


def test_an_unnamed_allergy_finding_in_full():
    (finding,) = screen(skin(conditions=frozenset({"ingredient_allergy"})), [LIFT]).findings
    assert finding.as_dict() == {
        "code": "ingredient_allergy",
        "severity": "absolute",
        "message": "Allergy to an active ingredient stated, but no named allergy is an "
        "ingredient of NWM-MesoLift.",
        "action": "Name the ingredient under allergies; if the allergy concerns no ingredient "
        "of this formulation, untick it and screen again.",
        "effect": "excluded",
    }
    (nothing,) = screen(skin(conditions=frozenset({"ingredient_allergy"})), []).findings
    assert nothing.message.endswith("is an ingredient of the formulation.")
    (other,) = screen(skin(allergies=("latex",)), []).findings
    assert other.message == "Allergy to 'latex' recorded: not an ingredient of any formulation."
    pure = FormulationSpec("mesolift_pure", "MesoLift without catalyst", {"dmae": "DMAE"})
    (other,) = screen(skin(allergies=("latex",)), [LIFT, pure]).findings
    assert other.message == (
        "Allergy to 'latex' recorded: not an ingredient of NWM-MesoLift, MesoLift without catalyst."
    )


def test_an_unknown_code_names_its_field_and_every_code():
    with pytest.raises(UnknownCode) as refused:
        screen(skin(conditions=frozenset({"vampirism", "lycanthropy"})), [LIFT])
    assert refused.value.field_name == "condition"
    assert refused.value.codes == ["lycanthropy", "vampirism"]
    assert str(refused.value) == "Unknown condition code(s): lycanthropy, vampirism"


def test_a_name_in_brackets_matches_on_its_own():
    ingredients = {"vitamin_c": "Vitamin C (ascorbic acid)"}
    assert match_allergy("Ascorbic acid", ingredients) == "vitamin_c"
    assert match_allergy("ascorbic", ingredients) is None  # no prefix match inside brackets
