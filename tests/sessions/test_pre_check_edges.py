"""The pre-session check at its edges (issue 15.9, the survivors of mutation testing): a
hair course's check sees what its screening recorded (sex, onset, insurance, goal,
prognosis; consent from intake), and the owed answers say exactly what to do. Pure."""

from datetime import date

from protocols.specs import FormulationSpec
from sessions.pre_check import CheckAnswers, ScreeningBasis, evaluate_check

LIFT = FormulationSpec("mesolift", "NWM-MesoLift", {"rutin": "Rutin"})
HAIR = FormulationSpec("mesohair", "NWM-MesoHair", {"biotin": "Biotin"})
TODAY = date(2026, 11, 25)


def _hair_basis(**changes):
    values = {
        "indication": "hair",
        "sex": "male",
        "conditions": frozenset(),
        "allergies": (),
        "finding_codes": frozenset({"male_hair_loss"}),
        "hair_loss_onset": date(2024, 11, 24),  # two years and a day before today
        "insurance_options_considered": True,
        "therapy_goal": "stabilise",
        "prognosis_explained": True,
    }
    return ScreeningBasis(**{**values, **changes})


def test_a_hair_check_carries_the_screenings_answers():
    verdict = evaluate_check(_hair_basis(), CheckAnswers(TODAY), HAIR)
    assert [f.code for f in verdict.findings] == ["male_hair_loss", "hair_loss_over_two_years"]
    assert verdict.findings[0].message == (
        "Male hair loss is more strongly genetic: the prognosis is limited (explained to the "
        "patient)."
    )
    assert verdict.outcome == "eligible" and verdict.errors == {}


def test_the_onset_counts_to_the_day_of_the_check():
    # Two years to the day before the check: not yet "more than 2 years".
    onset = date(2024, 11, 25)
    verdict = evaluate_check(_hair_basis(hair_loss_onset=onset), CheckAnswers(TODAY), HAIR)
    assert [f.code for f in verdict.findings] == ["male_hair_loss"]
    later = evaluate_check(
        _hair_basis(hair_loss_onset=onset), CheckAnswers(date(2026, 11, 26)), HAIR
    )
    assert "hair_loss_over_two_years" in [f.code for f in later.findings]


def test_a_hair_check_names_what_its_screening_left_open():
    basis = _hair_basis(
        sex="female",
        hair_loss_onset=None,
        insurance_options_considered=False,
        therapy_goal=None,
        finding_codes=frozenset(),
    )
    verdict = evaluate_check(basis, CheckAnswers(TODAY), HAIR)
    assert [f.code for f in verdict.findings] == [
        "hair_loss_onset_unknown",
        "insurance_options_not_considered",
        "therapy_goal_missing",
    ]


def test_a_skin_check_has_no_hair_findings_and_consent_is_from_intake():
    basis = ScreeningBasis("skin", "male", frozenset(), (), frozenset())
    verdict = evaluate_check(basis, CheckAnswers(TODAY), LIFT)
    assert verdict.findings == ()


def test_herpes_asks_for_prophylaxis_in_words():
    basis = ScreeningBasis("skin", "female", frozenset({"herpes"}), (), frozenset({"herpes"}))
    assert evaluate_check(basis, CheckAnswers(TODAY), LIFT).errors == {
        "herpes_prophylaxis_given": [
            "The patient tends to herpes: give herpes prophylaxis before the session and "
            "confirm it here."
        ]
    }


def test_two_new_relative_findings_are_named_together():
    today = CheckAnswers(TODAY, frozenset({"psoriasis", "bleeding_disorder"}))
    basis = ScreeningBasis("skin", "female", frozenset(), (), frozenset())
    assert evaluate_check(basis, today, LIFT).errors == {
        "caution_acknowledgement": [
            "Newly found since the screening: Psoriasis, Bleeding or clotting abnormality. "
            "Weigh it and give your reason to proceed."
        ]
    }
