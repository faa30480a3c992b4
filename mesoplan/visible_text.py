"""What of a text is visible: format (Cf: zero-width joiners, bidi overrides and isolates,
the BOM), control (Cc), private-use (Co), surrogate (Cs) and unassigned (Cn) characters,
and line and paragraph separators print nothing. A lot number must not hold one
(lots.lot_numbers); a note that must say something must say it in visible characters."""

import unicodedata

INVISIBLE = frozenset({"Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"})


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in INVISIBLE and not char.isspace()


def invisible_in(text: str) -> str | None:
    """The first invisible character of `text`, named, or None.

    >>> invisible_in("ML-HAU-A"), invisible_in("ML\\u200d-HAU-A"), invisible_in("A\\u202eB-1")
    (None, 'U+200D ZERO WIDTH JOINER', 'U+202E RIGHT-TO-LEFT OVERRIDE')
    """
    for char in text:
        if _is_invisible(char):
            return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"
    return None


def visible(text: str) -> str:
    """The text without its invisible characters, trimmed: empty when nothing shows.

    >>> visible(" \\u200b "), visible("Moved\\u2060 away\\n")
    ('', 'Moved away')
    """
    return "".join(char for char in text if not _is_invisible(char)).strip()
