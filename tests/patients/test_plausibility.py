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
