"""The pure rule of what a pre-session check adds to a screening (patients.carry_forward)."""

from patients.carry_forward import allergy_key, carried_answers


def test_nothing_new_is_none():
    assert carried_answers(["herpes"], ["Rutin"], [], []) is None
    assert carried_answers(["herpes"], ["Rutin"], ["herpes"], ["RUTIN", "  rutin "]) is None


def test_new_conditions_follow_the_known_ones_in_the_order_found():
    carried = carried_answers(["psoriasis"], [], ["pregnancy", "herpes", "pregnancy"], [])
    assert carried.conditions == ["psoriasis", "pregnancy", "herpes"]
    assert carried.new_conditions == ["pregnancy", "herpes"]
    assert carried.allergies == [] and carried.new_allergies == []


def test_an_allergy_written_twice_at_one_check_is_added_once_and_tidied():
    carried = carried_answers([], ["Latex"], [], ["  Hyaluronic   acid", "hyaluronic ACID", ""])
    assert carried.allergies == ["Latex", "Hyaluronic acid"]
    assert carried.new_allergies == ["Hyaluronic acid"]
    assert carried.conditions == [] and carried.new_conditions == []


def test_a_blank_allergy_alone_is_nothing_new():
    assert carried_answers([], [], [], ["   ", ""]) is None


def test_allergy_key_folds_case_and_spacing_only():
    assert allergy_key("Rutin ") == allergy_key(" rutin") == "rutin"
    assert allergy_key("Hyaluronic acid") != allergy_key("Hyaluronicacid")
