"""The lots pages in the browser: the list (expired and expiring lots marked, filters),
registering a box (and going back where the session form sent the clinician from), a
lot's recall with its CSV, and the managers' equipment page; constant queries."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from lots.models import Equipment, EquipmentKind, ProductLot
from mesoplan.models import AuditEntry
from tests.factories import PatientFactory
from tests.sessions.lot_support import amend_to, recorded_sessions
from tests.sessions.recording_support import equipment, lot

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-03-10 09:00 +01:00", tick=False):
        yield


def make_lot(user, number, *, formulation="mesolift", expires_in_days=365):
    made = lot(user.practice, user, number, formulation=formulation)
    ProductLot.objects.filter(pk=made.pk).update(expires_on=TODAY + timedelta(expires_in_days))
    made.refresh_from_db()
    return made


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the list ------------------------------------------------------------------------


def test_the_list_marks_expired_and_expiring_lots(browser_a, clinician_a):
    make_lot(clinician_a, "OLD-1", expires_in_days=-3)
    make_lot(clinician_a, "SOON-1", expires_in_days=12)
    make_lot(clinician_a, "FINE-1", expires_in_days=200)
    html = page(browser_a, reverse("lots:list"))
    assert html.count("badge--excluded") == 1 and ">Expired<" in html
    assert "Expires in 12 days" in html
    assert "FINE-1" in html and html.count("badge--caution") == 1


def test_the_list_filters_by_formulation_and_number(browser_a, clinician_a):
    make_lot(clinician_a, "ML-1")
    make_lot(clinician_a, "MH-1", formulation="mesohair")
    html = page(browser_a, reverse("lots:list"), formulation="mesohair")
    assert "MH-1" in html and "ML-1" not in html
    html = page(browser_a, reverse("lots:list"), q="ml")
    assert "ML-1" in html and "MH-1" not in html
    html = page(browser_a, reverse("lots:list"), formulation="botox")  # ignored
    assert "ML-1" in html and "MH-1" in html


def test_the_list_says_how_many_sessions_used_each_lot(browser_a, clinician_a):
    make_lot(clinician_a, "L-100")
    make_lot(clinician_a, "L-200")
    recorded_sessions(clinician_a, 2, "L-100")
    html = page(browser_a, reverse("lots:list"))
    assert "2 sessions" in html and "not used yet" in html


@pytest.mark.parametrize("size", [2, 25])
def test_the_list_runs_constant_queries(
    browser_a, clinician_a, size, django_assert_max_num_queries
):
    for n in range(size):
        make_lot(clinician_a, f"Q-{n}", expires_in_days=n * 7 - 20)
    # session, user, practice (and the session's save: 3), formulations, the page
    with django_assert_max_num_queries(8):
        assert browser_a.get(reverse("lots:list")).status_code == 200


def test_the_menu_offers_lots_to_staff_and_the_lots_page_equipment_to_managers(
    client, clinician_a, manager_a, network_admin
):
    client.force_login(clinician_a)
    assert reverse("lots:list") in page(client, reverse("home"))
    assert reverse("lots:equipment") not in page(client, reverse("lots:list"))
    client.force_login(manager_a)
    assert reverse("lots:list") in page(client, reverse("home"))
    assert reverse("lots:equipment") in page(client, reverse("lots:list"))
    client.force_login(network_admin)
    html = client.get(reverse("home")).content.decode()
    assert reverse("lots:list") not in html
    assert client.get(reverse("lots:list")).status_code == 403


# --- registering ---------------------------------------------------------------------


def register(client, query="", **fields):
    data = {"formulation": "mesolift", "lot_number": "AB-12", "expires_on": "31.01.2027"}
    return client.post(reverse("lots:create") + query, data | fields)


def test_registering_a_lot_opens_it(browser_a):
    response = register(browser_a)
    created = ProductLot.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lots:detail", args=[created.pk])
    assert created.expires_on == date(2027, 1, 31) and created.formulation.code == "mesolift"


def response_form(client, **params):
    return client.get(reverse("lots:create"), params).context["form"]


def test_the_form_preselects_the_formulation_and_keeps_next(browser_a):
    back = "/calendar/appointments/0b6f3c1e-0000-4000-8000-000000000001/session/new/"
    html = page(browser_a, reverse("lots:create"), formulation="mesohair", next=back)
    assert response_form(browser_a, formulation="mesohair").initial == {"formulation": "mesohair"}
    assert f'name="next" value="{back}"' in html
    response = register(browser_a, next=back)
    assert response.status_code == 302 and response["Location"] == back


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "lots/"],
)
def test_a_next_that_is_not_a_local_path_is_ignored(browser_a, target):
    html = page(browser_a, reverse("lots:create"), next=target)
    assert 'name="next"' not in html
    response = register(browser_a, f"?next={target}")
    assert response["Location"] == reverse("lots:detail", args=[ProductLot.objects.get().pk])


def test_a_duplicate_or_expired_lot_shows_the_error_on_its_field(browser_a, clinician_a):
    make_lot(clinician_a, "AB-12")
    response = register(browser_a, lot_number="ab-12")
    assert response.status_code == 400
    assert "already registered" in response.context["form"].errors["lot_number"][0]
    response = register(browser_a, lot_number="CD-34", expires_on="09.03.2026")
    assert response.status_code == 400
    assert "expired on 09 Mar 2026" in response.context["form"].errors["expires_on"][0]
    assert ProductLot.objects.count() == 1


def test_a_manager_registers_too(client, manager_a):
    client.force_login(manager_a)
    assert register(client).status_code == 302


# --- a lot and its recall ------------------------------------------------------------


def test_the_lot_page_lists_who_received_it_and_audits_the_view(browser_a, clinician_a):
    box = make_lot(clinician_a, "L-100")
    make_lot(clinician_a, "L-200")
    greta = PatientFactory(practice=clinician_a.practice, first_name="Greta", last_name="Vogel")
    paul = PatientFactory(practice=clinician_a.practice, first_name="Paul", last_name="Ernst")
    ida = PatientFactory(practice=clinician_a.practice, first_name="Ida", last_name="Brandt")
    recorded_sessions(clinician_a, 1, "L-100", patient=greta)
    corrected = recorded_sessions(clinician_a, 1, "L-100", patient=paul)[0]
    amend_to(clinician_a, corrected, "L-200")
    recorded_sessions(clinician_a, 1, "L-200", patient=ida)
    html = page(browser_a, reverse("lots:detail", args=[box.pk]))
    assert "Vogel, Greta" in html and "Ernst, Paul" in html and "Brandt" not in html
    assert html.count("Earlier version only") == 1
    assert reverse("lots:recipients-csv", args=[box.pk]) in html
    entry = AuditEntry.objects.get(action="lot.recall_view")
    assert sorted(entry.details["patients"]) == sorted([str(greta.pk), str(paul.pk)])


def test_the_csv_download_is_the_recall(browser_a, clinician_a):
    box = make_lot(clinician_a, "L-100")
    session = recorded_sessions(clinician_a, 1, "L-100")[0]
    response = browser_a.get(reverse("lots:recipients-csv", args=[box.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="lot-L-100-recipients.csv"'
    assert response.streaming  # row by row, not built whole before the first byte
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["session_record_id"] for row in rows] == [str(session.pk)]
    assert AuditEntry.objects.filter(action="lot.recall_export").count() == 1


@pytest.mark.parametrize("count", [1, 6])
def test_the_lot_page_runs_constant_queries(
    browser_a, clinician_a, count, django_assert_max_num_queries
):
    box = make_lot(clinician_a, "L-100")
    make_lot(clinician_a, "L-200")
    sessions = recorded_sessions(clinician_a, count, "L-100")
    amend_to(clinician_a, sessions[0], "L-200")
    # session, user, practice (and its save: 3), lot; records, passes, amendments,
    # events; audit entry
    with django_assert_max_num_queries(12):
        assert browser_a.get(reverse("lots:detail", args=[box.pk])).status_code == 200


# --- equipment -----------------------------------------------------------------------


@pytest.fixture
def as_manager(client, manager_a):
    client.force_login(manager_a)
    return client


def test_equipment_is_for_managers(browser_a):
    assert browser_a.get(reverse("lots:equipment")).status_code == 403
    response = browser_a.post(reverse("lots:equipment-add"), {"kind": "needle", "name": "32G"})
    assert response.status_code == 403 and not Equipment.objects.exists()


def test_a_manager_adds_retires_and_brings_back_equipment(as_manager, practice_a):
    response = as_manager.post(
        reverse("lots:equipment-add"), {"kind": "needle", "name": "  32G   4 mm "}
    )
    assert response.status_code == 302
    needle = Equipment.objects.get()
    assert (needle.kind, needle.name, needle.is_active) == ("needle", "32G 4 mm", True)
    response = as_manager.post(
        reverse("lots:equipment-add"), {"kind": "needle", "name": "32g 4 MM"}
    )
    assert response.status_code == 400
    assert "already registered" in response.context["form"].errors["name"][0]
    as_manager.post(reverse("lots:equipment-retire"), {"equipment": needle.pk})
    needle.refresh_from_db()
    assert needle.is_active is False
    html = page(as_manager, reverse("lots:equipment"))
    assert "Use again" in html
    as_manager.post(reverse("lots:equipment-add"), {"kind": "needle", "name": "32G 4 mm"})
    assert Equipment.objects.get().is_active is True  # the same row: records keep pointing
    summaries = list(
        AuditEntry.objects.filter(action="equipment.set")
        .order_by("pk")
        .values_list("summary", flat=True)
    )
    assert summaries == [
        "Needle 32G 4 mm added",
        "Needle 32G 4 mm retired",
        "Needle 32G 4 mm back in use",
    ]


def test_another_practice_equipment_cannot_be_retired(client, practice_b, manager_a):
    theirs = equipment(practice_b, EquipmentKind.DEVICE, "Their gun")
    client.force_login(manager_a)
    response = client.post(reverse("lots:equipment-retire"), {"equipment": theirs.pk})
    assert response.status_code == 404
    assert client.post(reverse("lots:equipment-retire"), {"equipment": "junk"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active is True


@pytest.mark.parametrize("count", [1, 12])
def test_the_equipment_page_runs_constant_queries(
    as_manager, practice_a, count, django_assert_max_num_queries
):
    for n in range(count):
        equipment(practice_a, EquipmentKind.NEEDLE, f"Needle {n}")
    with django_assert_max_num_queries(7):  # session, user, practice (and save: 3), rows
        assert as_manager.get(reverse("lots:equipment")).status_code == 200
