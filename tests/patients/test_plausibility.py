from datetime import date

import pytest

from patients.plausibility import birth_date_error, onset_error

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "born, ok",
    [
        (date(2026, 11, 25), True),
        (date(2026, 11, 26), False),
        (date(1896, 1, 1), True),
        (date(1895, 12, 31), False),
    ],
)
def test_birth_date_window(born, ok):
    assert (birth_date_error(born, today=TODAY) is None) is ok


@pytest.mark.parametrize(
    "onset, ok",
    [
        (None, True),
        (date(2020, 1, 1), True),
        (date(2026, 11, 26), False),
        (date(1979, 12, 31), False),
    ],
)
def test_onset_between_birth_and_today(onset, ok):
    assert (onset_error(onset, date(1980, 1, 1), today=TODAY) is None) is ok


BORN = date(1980, 1, 1)


@pytest.mark.parametrize(
    "onset, error",
    [
        (TODAY, None),  # began today: allowed
        (BORN, None),  # since birth: allowed
        (date(2026, 11, 26), "The onset cannot be in the future."),  # tomorrow
        (date(1979, 12, 31), "The onset cannot be before the date of birth."),  # day before
    ],
)
def test_onset_bounds_are_today_and_the_birth_date_inclusive(onset, error):
    assert onset_error(onset, BORN, today=TODAY) == error


def test_onset_without_a_known_birth_date_is_only_bounded_by_today():
    assert onset_error(date(1900, 1, 1), None, today=TODAY) is None
    assert onset_error(date(2026, 11, 26), None, today=TODAY) is not None


@pytest.mark.parametrize(
    "born, error",
    [
        (date(2026, 11, 26), "The date of birth cannot be in the future."),
        (date(1895, 12, 31), "The date of birth is implausibly long ago."),
    ],
)
def test_birth_date_errors_name_the_problem(born, error):
    assert birth_date_error(born, today=TODAY) == error
