"""Keyset pagination: a page is "the entries older (or newer) than this one", found
through the index on (time, id) however deep it lies. OFFSET would read and discard
every row before the page, so the thousandth page of an audit trail would cost a
thousand times the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_MICROS = (datetime(9999, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    """A position in a list ordered by (at, id): the row's time and id.

    >>> cursor = Cursor(datetime(2026, 3, 10, 12, 0, 0, 250, tzinfo=UTC), 42)
    >>> cursor.encode()
    '1773144000000250.42'
    >>> Cursor.decode(cursor.encode()) == cursor
    True
    >>> Cursor.decode("junk") is None
    True
    """

    at: datetime
    id: int

    def encode(self) -> str:
        return f"{(self.at - _EPOCH) // timedelta(microseconds=1)}.{self.id}"

    @classmethod
    def decode(cls, text: str | None) -> Cursor | None:
        """The cursor written by `encode`, or None for anything else (never an error)."""
        micros, _, row_id = (text or "").partition(".")
        if not (_is_number(micros) and _is_number(row_id) and int(micros) <= _MAX_MICROS):
            return None
        return cls(_EPOCH + timedelta(microseconds=int(micros)), int(row_id))

    @classmethod
    def of(cls, row: Any, time_field: str) -> Cursor:
        return cls(getattr(row, time_field), row.pk)


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 20  # "²".isdigit() too


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    older: Cursor | None  # pass as `before` for the next older page, if there is one
    newer: Cursor | None  # pass as `after` for the next newer page, if there is one


def keyset_page(
    queryset: QuerySet,
    *,
    size: int,
    before: Cursor | None = None,
    after: Cursor | None = None,
    time_field: str = "at",
) -> KeysetPage:
    """One page of `queryset`, newest first: the `size` rows just older than `before`,
    just newer than `after`, or the newest. One query."""
    t = time_field
    if after is not None:
        newer_rows = queryset.filter(
            Q(**{f"{t}__gt": after.at}) | Q(**{t: after.at, "pk__gt": after.id})
        )
        rows = list(newer_rows.order_by(t, "pk")[: size + 1])
        has_newer, has_older = len(rows) > size, True  # `after` itself is older
        rows = rows[:size][::-1]
    else:
        if before is not None:
            queryset = queryset.filter(
                Q(**{f"{t}__lt": before.at}) | Q(**{t: before.at, "pk__lt": before.id})
            )
        rows = list(queryset.order_by(f"-{t}", "-pk")[: size + 1])
        has_newer, has_older = before is not None, len(rows) > size
        rows = rows[:size]
    return KeysetPage(
        rows=rows,
        older=Cursor.of(rows[-1], t) if rows and has_older else None,
        newer=Cursor.of(rows[0], t) if rows and has_newer else None,
    )
