"""Keyset (cursor) paging: a page costs the same at any depth, and walking `next` yields
every row exactly once, because the order always ends in the primary key (a unique
tie-breaker: two patients with the same name and birth date are still told apart).

The cursor is the last row's ordering values, opaque to clients (base64 of JSON), signed
for the list it belongs to. A page is "the first `size` rows after the cursor", as a
WHERE clause an index can serve, never an OFFSET that reads and discards every earlier row.

Why signed: the values of a cursor go into a query. A client who forges one could send
what no row holds and no driver takes (a lone surrogate, a NUL, an integer past 64 bits,
a date past year 9999 once shifted to UTC), and each would fail in the database, a 500.
Checking each type's limits would be a list never complete; a signature admits only the
values the server itself read from a row, and the rest is a 400.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Model, Q, QuerySet


class InvalidCursor(ValueError):
    """A cursor that this server did not write (or for another ordering)."""


def ordering_of(queryset: QuerySet, default: Sequence[str] = ()) -> tuple[str, ...]:
    """The queryset's ordering with the primary key appended as the tie-breaker."""
    fields = list(queryset.query.order_by or default or queryset.model._meta.ordering or ())
    fields = [f for f in fields if isinstance(f, str)]
    if not any(f.lstrip("-") in ("pk", queryset.model._meta.pk.name) for f in fields):
        last_desc = bool(fields) and fields[-1].startswith("-")
        fields.append("-pk" if last_desc else "pk")
    return tuple(fields)


def _value_of(row: Model, field: str) -> Any:
    return getattr(row, field.lstrip("-"))


def _signer(model: type[Model], ordering: Sequence[str]) -> signing.Signer:
    """Signs for one list: a cursor of another model or order does not verify."""
    label = model._meta.concrete_model._meta.label  # type: ignore[union-attr]
    return signing.Signer(salt=f"mesoplan.keyset:{label}:{','.join(ordering)}")


def encode_cursor(row: Model, ordering: Sequence[str]) -> str:
    values = [_value_of(row, f) for f in ordering]
    raw = json.dumps([None if v is None else str(v) for v in values], separators=(",", ":"))
    payload = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return _signer(type(row), ordering).sign(payload)


def decode_cursor(cursor: str, model: type[Model], ordering: Sequence[str]) -> list[Any]:
    """The ordering values a cursor carries, as Python values of the model's fields."""
    try:
        payload = _signer(model, ordering).unsign(cursor)
    except signing.BadSignature as exc:
        raise InvalidCursor("The cursor is not one this server gave out.") from exc
    try:
        padded = payload + "=" * (-len(payload) % 4)
        raw = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise InvalidCursor("The cursor is not one this server gave out.") from exc
    if not isinstance(raw, list) or len(raw) != len(ordering):
        raise InvalidCursor("The cursor does not fit this list's order.")
    values = []
    for name, value in zip(ordering, raw, strict=True):
        if value is not None and not isinstance(value, str):
            raise InvalidCursor("The cursor is not one this server gave out.")
        field_name = name.lstrip("-")
        try:
            field = model._meta.pk if field_name == "pk" else model._meta.get_field(field_name)
            values.append(None if value is None else field.to_python(value))  # type: ignore[union-attr]
        except (FieldDoesNotExist, ValidationError, ValueError, TypeError) as exc:
            raise InvalidCursor("The cursor is not one this server gave out.") from exc
    return values


def after(queryset: QuerySet, ordering: Sequence[str], values: Sequence[Any]) -> QuerySet:
    """Rows strictly after `values` in `ordering`, as a lexicographic comparison:
    (a > x) or (a = x and b > y) or ... The leading `a >= x` lets an index on the
    ordering start its scan at the cursor."""
    condition = Q()
    equal_so_far = Q()
    for name, value in zip(ordering, values, strict=True):
        field = name.lstrip("-")
        op = "lt" if name.startswith("-") else "gt"
        condition |= equal_so_far & Q(**{f"{field}__{op}": value})
        equal_so_far &= Q(**{field: value})
    first = ordering[0]
    lead = {f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": values[0]}
    return queryset.filter(**lead).filter(condition)


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None


def page_after(queryset: QuerySet, cursor: str | None, size: int) -> Page:
    """One page of `size` rows after `cursor` (None: the first page)."""
    ordering = ordering_of(queryset)
    ordered = queryset.order_by(*ordering)
    if cursor:
        ordered = after(ordered, ordering, decode_cursor(cursor, queryset.model, ordering))
    rows = list(ordered[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor(rows[-1], ordering) if has_more and rows else None)


def page_from_link(queryset: QuerySet, cursor: str | None, size: int) -> tuple[str | None, Page]:
    """The page a browser link asks for, with the cursor it was read at: a stale or edited
    cursor starts again at the top (a page, unlike the API, never answers 400)."""
    try:
        return cursor, page_after(queryset, cursor, size)
    except InvalidCursor:
        return None, page_after(queryset, None, size)
