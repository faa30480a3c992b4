"""The API's parsers (JSON, and multipart for the photo upload): what no field of ours can
store is refused at the door, with a 400 that says why, before any serializer, error
message or idempotency record sees it.

- nesting deeper than MAX_DEPTH (Python's decoder would raise RecursionError near 1,000
  levels, and nothing we accept is deeper than a few);
- NUL characters (PostgreSQL text cannot hold them);
- lone surrogates such as "\\ud800" (not Unicode: they cannot be encoded as UTF-8, so
  echoing one in an error message, or storing it, would fail).
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, MultiPartParser

MAX_DEPTH = 32


def text_problem(text: str) -> str | None:
    """Why a string cannot be accepted, or None.

    >>> text_problem("Kühn"), text_problem("a\\x00b"), text_problem("\\ud800")
    (None, 'contains a NUL character', 'contains a lone surrogate (not valid Unicode)')
    """
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (not valid Unicode)"
    return None


def document_problem(data: object, max_depth: int = MAX_DEPTH) -> str | None:
    """The first reason the parsed document cannot be accepted, walking it without
    recursion (keys and values alike)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                return f"nested deeper than {max_depth} levels"
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in items:
                if isinstance(key, str) and (problem := text_problem(key)):
                    return f"a field name {problem}"
                stack.append((value, depth + 1))
        elif isinstance(node, str) and (problem := text_problem(node)):
            return f"a value {problem}"
    return None


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested deeper than {MAX_DEPTH} levels.") from None
        problem = document_problem(data)
        if problem:
            raise ParseError(f"JSON not accepted: {problem}.")
        return data


class SafeMultiPartParser(MultiPartParser):
    """Multipart forms (the photo upload) under the JSON parser's rule: a field name or a
    value that no column or error message of ours can carry is a 400 at
    the door (a NUL in a field's *name* was echoed as "Unknown field." and broke the
    idempotency record on PostgreSQL)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        # File names need no check: Django keeps only their printable characters.
        for key, values in parsed.data.lists():
            for what, text in [("a field name", key), *(("a value", v) for v in values)]:
                if isinstance(text, str) and (problem := text_problem(text)):
                    raise ParseError(f"Form not accepted: {what} {problem}.")
        for key in parsed.files:
            if problem := text_problem(key):
                raise ParseError(f"Form not accepted: a field name {problem}.")
        return parsed
