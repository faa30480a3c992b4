"""Keyset cursors: written and read back exactly; anything else is no cursor."""

import doctest
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

import mesoplan.keyset
from mesoplan.keyset import Cursor


def test_doctests():
    assert doctest.testmod(mesoplan.keyset).failed == 0


@given(
    at=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(9998, 12, 31), timezones=st.just(UTC)
    ),
    row_id=st.integers(min_value=0, max_value=2**63 - 1),
)
def test_a_cursor_reads_back_as_written(at, row_id):
    cursor = Cursor(at, row_id)
    assert Cursor.decode(cursor.encode()) == cursor


@given(st.text())
def test_any_text_decodes_to_a_cursor_or_none_never_an_error(text):
    assert Cursor.decode(text) is None or isinstance(Cursor.decode(text), Cursor)


def test_out_of_range_and_signed_values_are_no_cursor():
    assert Cursor.decode("99999999999999999999999.1") is None
    assert Cursor.decode("-5.1") is None
    assert Cursor.decode("5.-1") is None
    assert Cursor.decode(None) is None
    assert Cursor.decode("².1") is None and Cursor.decode("1.٣") is None
