"""API and browser agree on dates in the practice's zone, however far from UTC it is."""

from datetime import UTC, datetime

import pytest
import time_machine

from patients.models import Patient

pytestmark = pytest.mark.django_db

# 12:00 UTC on 10 March is already 02:00 on 11 March at UTC+14 (Kiritimati), and still
# 01:00 on 10 March at UTC-11 (Pago Pago).
NOON_UTC = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def _patient_body(born: str, first_name: str = "Ida") -> dict:
    return {"first_name": first_name, "last_name": "Roth", "date_of_birth": born, "sex": "female"}


def _api_status(api, born):
    return api.post("/api/v1/patients/", _patient_body(born), format="json").status_code


def _browser_status(browser, born):
    # Another name than the API's patient, so no duplicate warning stops the form.
    return browser.post("/patients/new/", _patient_body(born, "Paula")).status_code


@pytest.mark.parametrize(
    ("zone", "local_today", "local_tomorrow"),
    [
        ("Pacific/Kiritimati", "2026-03-11", "2026-03-12"),
        ("Pacific/Pago_Pago", "2026-03-10", "2026-03-11"),
    ],
)
def test_a_birth_date_of_the_practices_today_is_accepted_by_api_and_browser(
    zone, local_today, local_tomorrow, practice_a, api_a, browser_a
):
    practice_a.time_zone = zone
    practice_a.save()
    with time_machine.travel(NOON_UTC, tick=False):
        # The practice's today is plausible through both doors; its tomorrow through neither.
        assert _api_status(api_a, local_today) == 201
        assert _browser_status(browser_a, local_today) == 302
        assert _api_status(api_a, local_tomorrow) == 400
        assert _browser_status(browser_a, local_tomorrow) == 200  # the form again, with error
    assert Patient.objects.count() == 2


def test_api_answers_times_in_the_practices_zone_like_the_browser(practice_a, api_a, browser_a):
    practice_a.time_zone = "Pacific/Kiritimati"
    practice_a.save()
    with time_machine.travel(NOON_UTC, tick=False):
        created = api_a.post("/api/v1/patients/", _patient_body("1980-01-01"), format="json")
    assert created.json()["created_at"].startswith("2026-03-11T02:00:00")
    assert created.json()["created_at"].endswith("+14:00")
    page = browser_a.get(f"/patients/{created.json()['id']}/").content.decode()
    assert "11 Mar 2026, 02:00" in page
