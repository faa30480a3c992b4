"""What a check carries into a screening, at the edges (issue 15.9, the survivors of
mutation testing): reactions, the summary of what is new, and allergies written in
another case or spacing. Pure."""

from patients.carry_forward import CarriedAnswers, allergy_key, carried_answers


def test_a_reaction_alone_is_carried_after_the_known_ones():
    carried = carried_answers(
        ["psoriasis"],
        ["Latex"],
        ["psoriasis"],
        ["latex"],
        reactions=["mesohair"],
        found_reactions=["mesolift", "mesohair", "mesolift"],
    )
    assert carried is not None
    assert carried.reactions == ["mesohair", "mesolift"]
    assert carried.new_reactions == ["mesolift"]
    # The rest as it was: nothing else is new.
    assert carried.conditions == ["psoriasis"] and carried.allergies == ["Latex"]
    assert carried.new_conditions == [] and carried.new_allergies == []


def test_a_known_reaction_is_nothing_new():
    assert carried_answers(
        [], [], [], [], reactions=["mesolift"], found_reactions=["mesolift"]
    ) is (None)


def test_the_news_are_conditions_then_allergies_then_reactions():
    carried = carried_answers([], [], ["herpes"], ["Rutin"], found_reactions=["mesolift"])
    assert carried.news == ["herpes", "Rutin", "mesolift"]
    assert CarriedAnswers([], [], [], []).news == []
    assert CarriedAnswers([], [], [], []).reactions == []


def test_known_reactions_are_kept_when_something_else_is_new():
    carried = carried_answers([], [], ["herpes"], [], reactions=["mesolift"])
    assert carried.reactions == ["mesolift"] and carried.new_reactions == []


def test_an_allergy_in_capitals_with_a_sharp_s_is_the_same_allergy():
    # Weißdorn written WEISSDORN on the check form: one allergy, not two.
    assert allergy_key("WEISSDORN") == allergy_key("Weißdorn")
    assert carried_answers([], ["Weißdorn"], [], ["WEISSDORN"]) is None


def test_tabs_and_line_breaks_are_spacing_too():
    assert allergy_key("Hyaluronic\tacid\n") == "hyaluronic acid"
    carried = carried_answers([], [], [], ["Hyaluronic \t acid"])
    assert carried.new_allergies == ["Hyaluronic acid"]


def test_the_screenings_own_allergies_stay_as_they_were_written():
    carried = carried_answers(["herpes"], ["  latex "], [], ["Rutin", "LATEX"])
    assert carried.allergies == ["  latex ", "Rutin"]
    assert carried.new_allergies == ["Rutin"]
    assert carried.conditions == ["herpes"] and carried.new_conditions == []
