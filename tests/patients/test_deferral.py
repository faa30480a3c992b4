"""When a deferred patient is due for re-screening: a pure rule, tested without a database."""

import doctest
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import patients.deferral
from patients.deferral import rescreen_due_on


def test_doctests():
    assert doctest.testmod(patients.deferral).failed == 0


@given(st.dates(max_value=date(9000, 1, 1)), st.integers(min_value=0, max_value=365))
def test_due_exactly_the_given_number_of_days_later(screened_on, days):
    assert (rescreen_due_on(screened_on, days) - screened_on).days == days


def test_a_negative_interval_is_refused():
    with pytest.raises(ValueError) as refused:
        rescreen_due_on(date(2026, 3, 10), -1)
    assert str(refused.value) == "The re-screening interval cannot be negative."
