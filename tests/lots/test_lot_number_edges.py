"""Lot numbers at their edges (issue 15.9, the survivors of mutation testing): an invisible
character without a Unicode name is still named, the refusal says what to do, and 64
characters is the longest a lot number may be. Pure."""

import pytest

from lots.lot_numbers import LONGEST, UnreadableLotNumber, invisible_in, lot_key, lot_number


def test_a_private_use_character_is_named_by_its_code_point():
    assert invisible_in("ML-\ue000-1") == "U+E000 UNNAMED CHARACTER"


def test_the_refusal_says_to_type_the_number_as_printed():
    with pytest.raises(UnreadableLotNumber) as refused:
        lot_number("ML\u200d-1")
    assert str(refused.value) == (
        "The lot number contains an invisible character (U+200D ZERO WIDTH JOINER): type it "
        "as printed on the box."
    )


def test_sixty_four_characters_is_a_lot_number_and_sixty_five_is_not():
    longest = "A" * LONGEST
    assert lot_number(longest) == longest and lot_key(longest) == "a" * LONGEST
    with pytest.raises(UnreadableLotNumber) as refused:
        lot_number(longest + "B")
    assert str(refused.value) == "A lot number has at most 64 characters."
