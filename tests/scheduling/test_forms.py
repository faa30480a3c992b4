"""The calendar's form fields: hours typed as periods, times from the practice's slots."""

import doctest
from datetime import time

import pytest
from django import forms as django_forms

from scheduling import forms


def test_doctests():
    assert doctest.testmod(forms).failed == 0


def test_day_hours_are_typed_as_periods_separated_by_commas():
    field = forms.DayHoursField()
    assert field.clean("08:00-12:00, 14:00\u201318:30") == [
        (time(8), time(12)),
        (time(14), time(18, 30)),
    ]
    assert field.clean("") == []
    for junk in ("8-12", "08:00", "25:00-26:00", "08:00-12:00 14:00-18:00"):
        with pytest.raises(django_forms.ValidationError):
            field.clean(junk)


def test_a_time_off_the_grid_is_offered_too():
    slots = forms.time_slots(time(8), time(9), also=time(8, 10))
    assert [value for value, _ in slots] == ["08:00", "08:10", "08:15", "08:30", "08:45"]
