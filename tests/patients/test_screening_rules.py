"""The rules engine, without a database: every row of DOMAIN.md's tables, precedence,
allergies against every ingredient, hair-loss advisories, and monotonicity."""

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
