"""Dates typed in the practice's format: each format parses exactly its pattern (and ISO),
shows values in it, and names the pattern when an entry does not fit."""

import doctest
from datetime import date

import pytest
from django import forms
from django.urls import reverse

from mesoplan import date_entry
from mesoplan.date_entry import PracticeDateField, PracticeMonthField
from mesoplan.models import DateFormat
from patients.models import Patient
from tests.factories import PatientFactory

BIRTHDAY = date(1984, 3, 2)  # 2 March: day and month differ, so a swap shows


@pytest.mark.parametrize(
    "date_format, typed, pattern",
    [
        (DateFormat.DMY_DOT, "02.03.1984", "DD.MM.YYYY"),
        (DateFormat.DMY_SLASH, "02/03/1984", "DD/MM/YYYY"),
        (DateFormat.ISO, "1984-03-02", "YYYY-MM-DD"),
        (DateFormat.MDY_SLASH, "03/02/1984", "MM/DD/YYYY"),
    ],
)
def test_each_format_parses_its_pattern_and_iso(date_format, typed, pattern):
    field = PracticeDateField(date_format=date_format)
    assert field.clean(typed) == BIRTHDAY
    assert field.clean("1984-03-02") == BIRTHDAY
    assert field.widget.attrs["placeholder"] == pattern
    assert pattern in field.help_text
    assert field.widget.format_value(BIRTHDAY) == typed


@pytest.mark.parametrize(
    "date_format, wrong, message",
    [
        (DateFormat.DMY_DOT, "03/02/1984", "as DD.MM.YYYY, for example 31.12.2026."),
        (DateFormat.DMY_DOT, "2.3.84", "as DD.MM.YYYY"),  # two-digit year
        (DateFormat.DMY_SLASH, "31/02/1984", "as DD/MM/YYYY, for example 31/12/2026."),
        (DateFormat.MDY_SLASH, "13/02/1984", "as MM/DD/YYYY, for example 12/31/2026."),
        (DateFormat.ISO, "02.03.1984", "as YYYY-MM-DD, for example 2026-12-31."),
    ],
)
def test_an_entry_in_another_pattern_is_refused_naming_the_pattern(date_format, wrong, message):
    field = PracticeDateField(date_format=date_format)
    with pytest.raises(forms.ValidationError) as caught:
        field.clean(wrong)
    assert caught.value.messages[0].startswith("Enter the date ")
    assert message in caught.value.messages[0]


@pytest.mark.parametrize(
    "date_format, typed, shown",
    [
        (DateFormat.DMY_DOT, "03.2024", "MM.YYYY"),
        (DateFormat.DMY_SLASH, "03/2024", "MM/YYYY"),
        (DateFormat.ISO, "2024-03", "YYYY-MM"),
        (DateFormat.MDY_SLASH, "03/2024", "MM/YYYY"),
    ],
)
def test_a_month_is_stored_as_its_first_day_and_says_so(date_format, typed, shown):
    field = PracticeMonthField(date_format=date_format)
    assert field.clean(typed) == date(2024, 3, 1)
    assert field.clean("2024-03") == date(2024, 3, 1)
    assert field.widget.attrs["placeholder"] == shown
    assert "1st of that month" in field.help_text
    assert field.widget.format_value(date(2024, 3, 1)) == typed
    with pytest.raises(forms.ValidationError, match=shown):
        field.clean("13.2024" if "." in shown else "2024-13")


def test_an_unknown_format_code_falls_back_to_the_default():
    assert date_entry.pattern_for("klingon") == date_entry.PATTERNS[DateFormat.DMY_DOT]


def test_every_practice_format_has_a_pattern():
    assert set(date_entry.PATTERNS) == set(DateFormat.values)


def test_doctests():
    assert doctest.testmod(date_entry).failed == 0


# --- through the patient form ----------------------------------------------------------
FORM = {"first_name": "Greta", "last_name": "Vogel", "sex": "female"}


@pytest.mark.django_db
def test_the_patient_form_takes_the_practice_format(browser_a, practice_a):
    practice_a.date_format = DateFormat.MDY_SLASH
    practice_a.save()
    html = browser_a.get(reverse("patients:create")).content.decode()
    assert 'type="text" name="date_of_birth"' in html and 'placeholder="MM/DD/YYYY"' in html
    response = browser_a.post(reverse("patients:create"), {**FORM, "date_of_birth": "03/02/1984"})
    assert response.status_code == 302
    assert Patient.objects.get().date_of_birth == BIRTHDAY


@pytest.mark.django_db
def test_a_swapped_entry_is_refused_with_the_pattern(browser_a, practice_a):
    response = browser_a.post(reverse("patients:create"), {**FORM, "date_of_birth": "3/31/1984"})
    assert "Enter the date as DD.MM.YYYY, for example 31.12.2026." in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_the_edit_form_shows_the_date_in_the_practice_format(browser_a, practice_a):
    patient = PatientFactory(practice=practice_a, date_of_birth=BIRTHDAY)
    html = browser_a.get(reverse("patients:edit", args=[patient.pk])).content.decode()
    assert 'value="02.03.1984"' in html
