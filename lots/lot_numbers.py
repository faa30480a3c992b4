"""What makes two lot numbers the same box (DOMAIN.md, "Product lots": a recall must find
every session that received a lot). One folding decides identity, in Python and, through
the stored key, in the database:

- compatibility characters are folded (NFKC: a full-width M is an M) and whitespace goes;
- case is folded the Unicode way (casefold, not lower: STRAßE is STRASSE, İ is i̇ in
  Python and PostgreSQL alike, since the key is computed here, not by the database);
- invisible characters are refused, not folded: format and bidi controls (a zero-width
  joiner, a right-to-left override) and control characters would make a box that looks
  like another one a different lot, or one that looks different the same.

Pure.
"""

import unicodedata

from mesoplan.visible_text import invisible_in

# As long as the column and its key may be: NFKC and case folding can lengthen a text
# (one Arabic ligature unfolds into 18 letters), so the folded form is what is measured.
LONGEST = 64
LONGEST_KEY = 192


class UnreadableLotNumber(ValueError):
    """A lot number with a character no box prints."""


def lot_number(text: str) -> str:
    """The lot number as stored and shown: NFKC, whitespace removed, case as typed; an
    invisible character is refused (UnreadableLotNumber).

    >>> lot_number(" \\uff2d \\uff2c-2611 A ")
    'ML-2611A'
    """
    folded = "".join(unicodedata.normalize("NFKC", text).split())
    found = invisible_in(folded)
    if found:
        raise UnreadableLotNumber(
            f"The lot number contains an invisible character ({found}): type it as printed "
            "on the box."
        )
    if len(folded) > LONGEST:
        raise UnreadableLotNumber(f"A lot number has at most {LONGEST} characters.")
    return folded


def lot_key(text: str) -> str:
    """The identity of a lot number: two numbers are one lot exactly when their keys are
    equal (the database's unique key per practice).

    >>> lot_key("STRAßE-1") == lot_key("strasse-1"), lot_key("İX-1") == lot_key("i\\u0307x-1")
    (True, True)
    >>> lot_key("IX-1") == lot_key("İX-1")
    False
    """
    key = unicodedata.normalize("NFKC", lot_number(text).casefold())
    if len(key) > LONGEST_KEY:  # pragma: no cover - 64 characters fold to at most 3 each
        raise UnreadableLotNumber(f"A lot number has at most {LONGEST} characters.")
    return key
