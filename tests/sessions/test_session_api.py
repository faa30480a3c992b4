"""The session-record API (API.md "Session records"): record with the check, read every
version, amend; 409 for a blocking check with only the check kept; 400 naming fields."""

import pytest

from mesoplan.models import AuditEntry
from sessions.models import PreSessionCheck, SessionRecord
from tests.sessions.recording_support import booked_course, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(clinician_a):
    course = booked_course(clinician_a)
    lot(clinician_a.practice, clinician_a, "L-100")
    return course.appointments.order_by("sequence").first()


def url(appointment, tail=""):
    return f"/api/v1/appointments/{appointment.pk}/session/{tail}"


SINGLE = {
    "technique": "single_pulse",
    "region": "cheek_left",
    "depth_mm": 1.5,
    "spacing_mm": 10,
    "points": 30,
    "volume_ml": 0.6,
    "product_lot": "l-100",
}
NAPPAGE = {
    "technique": "nappage",
    "region": "cheek_left",
    "depth_mm": 0.5,
    "volume_ml": 0.4,
    "product_lot": "L-100",
}


def body(**extra):
    return {"conditions": [], "passes": [SINGLE, NAPPAGE], **extra}


def test_record_then_read_the_session(api_a, appointment):
    created = api_a.post(url(appointment), body(notes="Tolerated well"), format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["version"] == 1 and data["notes"] == "Tolerated well"
    assert [
        (p["technique"], p["region"], p["product_lot"], p["depth_mm"]) for p in data["passes"]
    ] == [
        ("single_pulse", "cheek_left", "L-100", 1.5),
        ("nappage", "cheek_left", "L-100", 0.5),
    ]
    assert data["pre_check"]["outcome"] == "eligible"
    read = api_a.get(url(appointment))
    assert read.status_code == 200 and read.json()["id"] == data["id"] and read["ETag"]
    assert AuditEntry.objects.filter(action="session.view", object_id=data["id"]).exists()
    appointment_now = api_a.get(f"/api/v1/appointments/{appointment.pk}/").json()
    assert appointment_now["status"] == "completed"


def test_a_deferring_check_answers_409_naming_the_finding(api_a, appointment):
    response = api_a.post(url(appointment), body(conditions=["pregnancy"]), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "check_deferred"
    assert [f["code"] for f in response.json()["findings"]] == ["pregnancy"]
    assert PreSessionCheck.objects.count() == 1 and not SessionRecord.objects.exists()
    assert api_a.get(url(appointment)).status_code == 404


def test_out_of_range_and_order_answer_400_per_pass(api_a, appointment):
    passes = [NAPPAGE, {**SINGLE, "depth_mm": 5}]
    response = api_a.post(url(appointment), body(passes=passes), format="json")
    assert response.status_code == 400
    errors = response.json()["passes"]
    assert list(errors) == ["1"]  # the nappage pass is fine
    assert errors["1"]["depth_mm"] == ["Depth must be between 0.1 and 4 mm."]
    assert "single-pulse after nappage" in errors["1"]["technique"][0]
    assert not PreSessionCheck.objects.exists()


def test_unknown_region_and_missing_conditions_are_field_errors(api_a, appointment):
    response = api_a.post(
        url(appointment), {"passes": [{**SINGLE, "region": "elbow"}]}, format="json"
    )
    assert response.status_code == 400
    assert "conditions" in response.json() and "region" in response.json()["passes"]["0"]


def test_amend_keeps_the_original_version(api_a, appointment):
    api_a.post(url(appointment), body(), format="json")
    amended = api_a.post(
        url(appointment, "amendments/"),
        {
            "reason": "Nappage was on the right cheek",
            "passes": [SINGLE, {**NAPPAGE, "region": "cheek_right"}],
        },
        format="json",
    )
    assert amended.status_code == 201, amended.content
    data = amended.json()
    assert data["version"] == 2
    assert [p["region"] for p in data["passes"]] == ["cheek_left", "cheek_right"]
    assert [p["region"] for p in data["versions"][0]["passes"]] == ["cheek_left", "cheek_left"]
    assert data["versions"][1]["reason"] == "Nappage was on the right cheek"


def test_another_practice_gets_404(api_b, api_a, appointment):
    assert api_b.post(url(appointment), body(), format="json").status_code == 404
    assert api_b.get(url(appointment)).status_code == 404
    assert not PreSessionCheck.objects.exists()


def test_a_manager_may_read_but_not_record(api_for, manager_a, appointment):
    api = api_for(manager_a)
    assert api.post(url(appointment), body(), format="json").status_code == 403


def test_reading_is_a_constant_number_of_queries(api_a, appointment, django_assert_max_num_queries):
    regions = ["forehead", "glabella", "chin", "neck"]
    passes = [{**p, "region": r} for r in regions for p in (SINGLE, NAPPAGE)]
    assert api_a.post(url(appointment), body(passes=passes), format="json").status_code == 201
    with django_assert_max_num_queries(12):
        assert api_a.get(url(appointment)).status_code == 200


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z"])
def test_a_session_performed_in_year_one_is_a_typing_error(api_a, appointment, when):
    response = api_a.post(url(appointment), body(performed_at=when), format="json")
    assert response.status_code == 400 and "performed_at" in response.json()
    assert not SessionRecord.objects.exists()


def test_text_fields_take_only_text(api_a, appointment):
    response = api_a.post(
        url(appointment), body(notes=1e308, new_allergies=["ok", 1]), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "notes": ["Not a valid string."],
        "new_allergies": {"1": ["Not a valid string."]},
    }
    numbered = api_a.post(
        url(appointment), body(passes=[{**SINGLE, "product_lot": 100}]), format="json"
    )
    assert numbered.status_code == 400
    assert numbered.json()["passes"]["0"] == {"product_lot": ["Not a valid string."]}
    assert not PreSessionCheck.objects.exists()


def test_a_look_alike_lot_number_is_the_same_lot(api_a, clinician_a, appointment):
    response = api_a.post(
        "/api/v1/lots/",
        # "L-100" in full-width characters: the same lot as L-100.
        {
            "formulation": "mesolift",
            "lot_number": "\uff2c-\uff11\uff10\uff10",
            "expires_on": "2030-01-01",
        },
        format="json",
    )
    assert response.status_code == 400 and "lot_number" in response.json()
    passes = [{**SINGLE, "product_lot": " l - 100 "}]
    assert api_a.post(url(appointment), body(passes=passes), format="json").status_code == 201
