"""/api/v1/patients/ as API.md describes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/patients/"
NEW = {
    "first_name": "Greta",
    "last_name": "Vogel",
    "date_of_birth": "1984-03-02",
    "sex": "female",
    "email": "greta.vogel@example.org",
    "phone": "+49 30 901820",
}


def test_create_returns_contract_fields_scoped_to_my_practice(api_a, clinician_a):
    response = api_a.post(URL, NEW, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert {
        "id",
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "email",
        "phone",
        "created_at",
        "updated_at",
    } <= set(body)
    assert body["phone"] == "+4930901820"
    assert body["possible_duplicates"] == []
    patient = Patient.objects.get(pk=body["id"])
    assert patient.practice == clinician_a.practice and patient.created_by == clinician_a
    assert response["ETag"]


def test_practice_comes_from_the_user_never_the_body(api_a, clinician_a, practice_b):
    response = api_a.post(URL, {**NEW, "practice": str(practice_b.pk)}, format="json")
    assert response.status_code == 400 and "practice" in response.json()
    assert not Patient.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        (
            # Two days ahead: a future date in every practice's zone (UTC-11 to UTC+14).
            {"date_of_birth": (timezone.localdate() + timedelta(days=2)).isoformat()},
            "date_of_birth",
        ),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"date_of_birth": "02.03.1984"}, "date_of_birth"),
        ({"email": "greta@@example"}, "email"),
        ({"email": "not an email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": "call me maybe"}, "phone"),
        ({"sex": "f"}, "sex"),
        ({"first_name": "   "}, "first_name"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"nickname": "Gigi"}, "nickname"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_creates_nothing(api_a, change, field):
    response = api_a.post(URL, {**NEW, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Patient.objects.exists()


def test_list_is_paginated_and_shows_only_my_practice(api_a, practice_a, practice_b):
    PatientFactory.create_batch(3, practice=practice_a)
    PatientFactory.create_batch(2, practice=practice_b)
    body = api_a.get(URL).json()
    assert set(body) >= {"results", "next"}
    assert len(body["results"]) == 3 and body["next"] is None


@pytest.mark.parametrize(
    "q", ["greta", "VOGEL", "greta vogel", "vogel@example", "030 901820", "+4930901820", "901820"]
)
def test_search_matches_name_email_or_phone(api_a, practice_a, q):
    api_a.post(URL, NEW, format="json")
    PatientFactory(
        practice=practice_a,
        first_name="Paul",
        last_name="Ernst",
        email="p@example.org",
        phone="+49 40 5551234",
    )
    results = api_a.get(URL, {"q": q}).json()["results"]
    assert [r["last_name"] for r in results] == ["Vogel"]


def test_update_keeps_history_of_who_changed_what(api_a, api_for, manager_a):
    pid = api_a.post(URL, NEW, format="json").json()["id"]
    response = api_for(manager_a).patch(
        f"{URL}{pid}/", {"email": "g.vogel@example.org"}, format="json"
    )
    assert response.status_code == 200 and response.json()["email"] == "g.vogel@example.org"
    page = api_a.get(f"{URL}{pid}/history/").json()
    assert page["next"] is None
    history = page["results"]
    assert [v["kind"] for v in history] == ["changed", "created"]
    assert history[0]["by"] == manager_a.display_name
    assert history[0]["changes"] == [
        {"field": "email", "old": "greta.vogel@example.org", "new": "g.vogel@example.org"}
    ]


def test_history_is_a_page_whose_next_walks_every_version_once(
    api_a, django_assert_max_num_queries
):
    """API.md: lists are {"results", "next"}; the history too (the schema said so, the
    view answered a bare list). Each version names what it changed from the one before,
    also when that one is on the previous page."""
    pid = api_a.post(URL, NEW, format="json").json()["id"]
    for n in range(4):
        api_a.patch(f"{URL}{pid}/", {"phone": f"+49 40 555123{n}"}, format="json")
    url, pages = f"{URL}{pid}/history/?page_size=2", []
    while url:
        with django_assert_max_num_queries(5):
            page = api_a.get(url).json()
        assert set(page) == {"results", "next"}
        pages.append(page["results"])
        url = page["next"]
    assert [len(p) for p in pages] == [2, 2, 1]
    versions = [v for p in pages for v in p]
    assert [v["kind"] for v in versions] == ["changed"] * 4 + ["created"]
    assert [v["changes"][0]["new"] for v in versions[:4]] == [
        f"+49 40 555123{n}" for n in (3, 2, 1, 0)
    ]
    assert versions[3]["changes"][0]["old"] == "+49 30 901820"


def test_stale_if_match_is_412_and_changes_nothing(api_a):
    created = api_a.post(URL, NEW, format="json")
    pid, etag = created.json()["id"], created["ETag"]
    assert api_a.get(f"{URL}{pid}/")["ETag"] == etag
    first = api_a.patch(f"{URL}{pid}/", {"last_name": "Vogt"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    stale = api_a.patch(f"{URL}{pid}/", {"last_name": "Fink"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Patient.objects.get(pk=pid).last_name == "Vogt"


def test_idempotent_create_replays_and_creates_once(api_a):
    first = api_a.post(URL, NEW, format="json", HTTP_IDEMPOTENCY_KEY="intake-1")
    again = api_a.post(URL, NEW, format="json", HTTP_IDEMPOTENCY_KEY="intake-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Patient.objects.count() == 1
    other = api_a.post(
        URL, {**NEW, "first_name": "Hanna"}, format="json", HTTP_IDEMPOTENCY_KEY="intake-1"
    )
    assert other.status_code == 422
    assert Patient.objects.count() == 1


def test_duplicate_is_created_but_flagged(api_a, practice_a):
    existing = PatientFactory(
        practice=practice_a, first_name="greta", last_name="VOGEL", date_of_birth="1984-03-02"
    )
    body = api_a.post(URL, NEW, format="json").json()
    assert body["possible_duplicates"] == [str(existing.pk)]


def test_patients_of_another_practice_do_not_count_as_duplicates(api_a, practice_b):
    PatientFactory(
        practice=practice_b, first_name="Greta", last_name="Vogel", date_of_birth="1984-03-02"
    )
    assert api_a.post(URL, NEW, format="json").json()["possible_duplicates"] == []


def test_list_runs_constant_queries(api_a, practice_a, django_assert_max_num_queries):
    PatientFactory.create_batch(2, practice=practice_a)
    with django_assert_max_num_queries(8) as small:
        api_a.get(URL)
    baseline = len(small.captured_queries)
    PatientFactory.create_batch(30, practice=practice_a)
    with django_assert_max_num_queries(baseline):
        assert len(api_a.get(URL).json()["results"]) == 32


def test_protocols_are_reference_data_with_formulation_and_ingredients(api_a):
    body = api_a.get("/api/v1/protocols/").json()
    by_code = {p["code"]: p for p in body["results"]}
    assert set(by_code) == {"mesolift", "mesohair"}
    lift = by_code["mesolift"]
    assert (
        lift["session_count"],
        lift["maintenance_min_months"],
        lift["maintenance_max_months"],
    ) == (8, 3, 6)
    assert lift["indication"] == "skin" and lift["formulation"]["name"] == "NWM-MesoLift"
    lift_codes = {i["code"] for i in lift["formulation"]["ingredients"]}
    assert lift_codes == {
        "multivitamins",
        "silicon",
        "rutin",
        "hyaluronic_acid",
        "dmae",
        "centella_asiatica",
    }
    hair_codes = {i["code"] for i in by_code["mesohair"]["formulation"]["ingredients"]}
    assert hair_codes == {"multivitamins", "silicon", "rutin"}
    assert api_a.get("/api/v1/protocols/mesohair/").json()["formulation"]["code"] == "mesohair"
