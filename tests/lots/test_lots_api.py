"""Product lots over HTTP (API.md "Product lots"): list with filters and cursor pages,
register (duplicates ignoring case, expired refused), read; and the equipment list."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from lots.models import EquipmentKind, ProductLot
from mesoplan.models import AuditEntry
from tests.sessions.recording_support import equipment, lot

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-03-10 09:00 +01:00", tick=False):
        yield


def in_days(days: int) -> date:
    return TODAY + timedelta(days=days)


def make_lot(practice, user, number, *, formulation="mesolift", expires_in_days=365):
    made = lot(practice, user, number, formulation=formulation)
    ProductLot.objects.filter(pk=made.pk).update(expires_on=in_days(expires_in_days))
    made.refresh_from_db()
    return made


def register(api, **body):
    data = {"formulation": "mesolift", "lot_number": "AB-12", "expires_on": "2027-01-31"} | body
    return api.post(reverse("lot-list"), data, format="json")


def test_a_clinician_registers_a_lot_and_reads_it_back(api_a, clinician_a):
    response = register(api_a)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["formulation"] == "mesolift"
    assert body["lot_number"] == "AB-12"
    assert body["expires_on"] == "2027-01-31"
    assert body["created_by"] == str(clinician_a.pk)
    assert body["is_expired"] is False and body["expires_soon"] is False
    assert "ETag" in response
    read = api_a.get(reverse("lot-detail", args=[body["id"]]))
    assert read.status_code == 200 and read.json() == body
    assert AuditEntry.objects.filter(action="lot.create", object_id=body["id"]).count() == 1


def test_a_manager_registers_too(api_for, manager_a):
    assert register(api_for(manager_a)).status_code == 201


def test_a_network_admin_may_not_read_or_register(api_for, network_admin):
    api = api_for(network_admin)
    assert api.get(reverse("lot-list")).status_code == 403
    assert register(api).status_code == 403
    assert not ProductLot.objects.exists()


def test_a_duplicate_lot_number_is_refused_ignoring_case(api_a):
    assert register(api_a, lot_number="ab-12").status_code == 201
    response = register(api_a, lot_number=" AB-12 ", formulation="mesohair")
    assert response.status_code == 400
    assert "already registered" in response.json()["lot_number"][0]
    assert ProductLot.objects.count() == 1


def test_the_same_number_in_another_practice_is_another_lot(api_a, api_b):
    assert register(api_a).status_code == 201
    assert register(api_b).status_code == 201


def test_an_expired_lot_is_refused_naming_the_expiry_date(api_a):
    response = register(api_a, expires_on=str(in_days(-1)))
    assert response.status_code == 400
    assert list(response.json()) == ["expires_on"]
    assert "expired on 09 Mar 2026" in response.json()["expires_on"][0]
    assert not ProductLot.objects.exists()
    assert register(api_a, expires_on=str(TODAY)).status_code == 201  # usable today


def test_unknown_formulation_and_unknown_fields_are_400(api_a):
    response = register(api_a, formulation="botox")
    assert response.status_code == 400 and "mesolift" in response.json()["formulation"][0]
    response = register(api_a, practice="elsewhere")
    assert response.status_code == 400 and "practice" in response.json()


def test_expiry_flags_follow_the_practice_date_and_the_setting(api_a, clinician_a, settings):
    practice = clinician_a.practice
    make_lot(practice, clinician_a, "SOON", expires_in_days=30)
    make_lot(practice, clinician_a, "LATER", expires_in_days=31)
    expired = make_lot(practice, clinician_a, "OLD", expires_in_days=-1)
    flags = {
        row["lot_number"]: (row["is_expired"], row["expires_soon"])
        for row in api_a.get(reverse("lot-list")).json()["results"]
    }
    assert flags == {"SOON": (False, True), "LATER": (False, False), "OLD": (True, False)}
    settings.LOT_EXPIRY_WARNING_DAYS = 31
    assert api_a.get(reverse("lot-detail", args=[expired.pk])).json()["is_expired"] is True
    later = api_a.get(reverse("lot-list"), {"q": "later"}).json()["results"][0]
    assert later["expires_soon"] is True


def test_filters_formulation_usable_on_and_number_prefix(api_a, clinician_a):
    practice = clinician_a.practice
    make_lot(practice, clinician_a, "ML-1", expires_in_days=10)
    make_lot(practice, clinician_a, "ML-2", expires_in_days=100)
    make_lot(practice, clinician_a, "MH-1", formulation="mesohair", expires_in_days=100)
    make_lot(practice, clinician_a, "XML-9", expires_in_days=100)

    def numbers(**params):
        response = api_a.get(reverse("lot-list"), params)
        assert response.status_code == 200, response.json()
        return sorted(row["lot_number"] for row in response.json()["results"])

    assert numbers(formulation="mesohair") == ["MH-1"]
    assert numbers(usable_on=str(in_days(50))) == ["MH-1", "ML-2", "XML-9"]
    assert numbers(usable_on=str(in_days(10))) == ["MH-1", "ML-1", "ML-2", "XML-9"]
    assert numbers(q="ml-") == ["ML-1", "ML-2"]  # a prefix, ignoring case
    assert numbers(q="ml", formulation="mesolift", usable_on=str(in_days(11))) == ["ML-2"]
    assert api_a.get(reverse("lot-list"), {"usable_on": "soon"}).status_code == 400


def test_cursor_pages_yield_every_lot_once_and_another_practice_none(api_a, api_b, clinician_a):
    for n in range(7):
        make_lot(clinician_a.practice, clinician_a, f"L-{n}")
    seen, url = [], reverse("lot-list") + "?page_size=3"
    while url:
        body = api_a.get(url).json()
        seen += [row["lot_number"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == [f"L-{n}" for n in range(7)]
    assert api_b.get(reverse("lot-list")).json() == {"results": [], "next": None}


def test_another_practice_lot_is_not_found(api_b, clinician_a):
    other = make_lot(clinician_a.practice, clinician_a, "A-1")
    assert api_b.get(reverse("lot-detail", args=[other.pk])).status_code == 404
    assert api_b.get(reverse("lot-recipients", args=[other.pk])).status_code == 404
    assert api_b.get(reverse("lot-recipients-csv", args=[other.pk])).status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_the_lot_list_runs_constant_queries(
    api_a, clinician_a, size, django_assert_max_num_queries
):
    for n in range(size):
        make_lot(clinician_a.practice, clinician_a, f"Q-{n}")
    with django_assert_max_num_queries(3):  # token, the user's practice, the page
        assert len(api_a.get(reverse("lot-list")).json()["results"]) == size


def test_equipment_lists_devices_and_needles_with_filters(api_a, api_b, practice_a):
    gun = equipment(practice_a, EquipmentKind.DEVICE, "Meso-gun II")
    needle = equipment(practice_a, EquipmentKind.NEEDLE, "32G 4 mm")
    old = equipment(practice_a, EquipmentKind.NEEDLE, "30G 13 mm")
    old.is_active = False
    old.save()
    rows = api_a.get(reverse("equipment-list")).json()["results"]
    assert [(r["kind"], r["name"], r["is_active"]) for r in rows] == [
        ("device", "Meso-gun II", True),
        ("needle", "30G 13 mm", False),
        ("needle", "32G 4 mm", True),
    ]
    active_needles = api_a.get(reverse("equipment-list"), {"kind": "needle", "is_active": "true"})
    assert [r["id"] for r in active_needles.json()["results"]] == [str(needle.pk)]
    assert api_a.get(reverse("equipment-detail", args=[gun.pk])).json()["name"] == "Meso-gun II"
    assert api_b.get(reverse("equipment-detail", args=[gun.pk])).status_code == 404
    assert api_a.post(reverse("equipment-list"), {}, format="json").status_code == 405


def test_an_expiry_decades_ahead_is_a_typing_error(api_a):
    response = api_a.post(
        "/api/v1/lots/",
        {"formulation": "mesolift", "lot_number": "FAR-1", "expires_on": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400 and "expires_on" in response.json()
    assert not ProductLot.objects.exists()
