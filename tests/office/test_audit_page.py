"""The audit trail page: manager only, the practice's entries newest first, filters by
patient, staff member and the practice's days, keyset pages of constant cost."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.models import AuditEntry
from office.views.audit import PAGE_SIZE
from tests.factories import ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db
URL = "/audit/"


@pytest.fixture
def manager(client, manager_a):
    client.force_login(manager_a)
    return client


def _entry(actor, action=Action.PATIENT_VIEW, patient=None, at=None, summary=""):
    patient_id = patient.pk if patient else None
    if at is None:
        return audit.record(actor, action, patient, patient_id=patient_id, summary=summary)
    # An entry of the past: inserted as such (the table refuses UPDATE).
    return AuditEntry.objects.create(
        at=at,
        actor=actor,
        actor_name=actor.display_name,
        practice_id=actor.practice_id,
        action=action,
        patient_id=patient_id,
        summary=summary,
    )


def _rows(response) -> list[str]:
    return response.content.decode().split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


def test_audit_url_name_is_what_the_navigation_links_to():
    assert reverse("audit:list") == URL


@pytest.mark.parametrize("who", ["clinician_a", "network_admin"])
def test_only_a_practice_manager_reads_the_trail(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_entries_newest_first_with_who_what_patient_and_address(
    manager, clinician_a, practice_a, practice_b
):
    patient = PatientFactory(practice=practice_a, first_name="Greta", last_name="Lorenz")
    with audit.client_address("10.0.0.7"):
        _entry(clinician_a, Action.PATIENT_CREATE, patient, summary="Greta Lorenz")
        _entry(clinician_a, Action.PATIENT_VIEW, patient)
    stranger = PatientFactory(practice=practice_b, first_name="Bruno")
    _entry(ClinicianFactory(practice=practice_b), Action.PATIENT_VIEW, stranger)
    rows = _rows(manager.get(URL))
    assert len(rows) == 2  # practice B's entry is not ours
    assert "Patient record opened" in rows[0] and "Patient added" in rows[1]
    assert "Greta Lorenz" in rows[0]  # the patient named even where the summary is empty
    assert clinician_a.display_name in rows[0] and "10.0.0.7" in rows[0]
    assert "Bruno" not in manager.get(URL).content.decode()


def test_filter_by_patient_names_the_patient_in_the_heading(manager, clinician_a, practice_a):
    greta = PatientFactory(practice=practice_a, first_name="Greta", last_name="Lorenz")
    other = PatientFactory(practice=practice_a, first_name="Ida", last_name="Roth")
    _entry(clinician_a, Action.PATIENT_VIEW, greta)
    _entry(clinician_a, Action.PATIENT_VIEW, other)
    response = manager.get(URL, {"patient": greta.pk})
    assert "<h1>Audit trail of Greta Lorenz</h1>" in response.content.decode()
    rows = _rows(response)
    assert len(rows) == 1 and "Greta Lorenz" in rows[0]


def test_another_practices_patient_id_shows_nothing_of_it(manager, practice_b, clinician_b):
    stranger = PatientFactory(practice=practice_b, first_name="Bruno", last_name="Kern")
    _entry(clinician_b, Action.PATIENT_VIEW, stranger)
    html = manager.get(URL, {"patient": stranger.pk}).content.decode()
    assert "Bruno" not in html and "No entries match" in html


def test_junk_filters_are_form_errors_never_a_500(manager):
    response = manager.get(URL, {"patient": "not-a-uuid", "from": "2026-13-45"})
    assert response.status_code == 400
    response = manager.get(URL, {"from": "2026-03-10", "to": "2026-03-01"})
    assert "The end date is before the start date." in response.content.decode()
    response = manager.get(URL, {"user": "00000000-0000-0000-0000-000000000000"})
    assert response.status_code == 400
    assert manager.get(URL, {"before": "junk", "after": "1.x"}).status_code == 200


def test_filter_by_staff_member(manager, clinician_a, practice_a, manager_a):
    patient = PatientFactory(practice=practice_a)
    _entry(clinician_a, Action.PATIENT_VIEW, patient)
    _entry(manager_a, Action.PATIENT_UPDATE, patient)
    rows = _rows(manager.get(URL, {"user": clinician_a.pk}))
    assert len(rows) == 1 and "Patient record opened" in rows[0]


def test_filter_by_days_of_the_practices_calendar(manager, clinician_a, practice_a):
    practice_a.time_zone = "Pacific/Kiritimati"  # UTC+14
    practice_a.save()
    patient = PatientFactory(practice=practice_a)
    # 10 March 09:00 UTC is already 23:00 on 10 March there; 10:30 UTC is 00:30 on the 11th.
    _entry(clinician_a, Action.PATIENT_VIEW, patient, at=datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    _entry(
        clinician_a, Action.PATIENT_UPDATE, patient, at=datetime(2026, 3, 10, 10, 30, tzinfo=UTC)
    )
    on_10th = _rows(manager.get(URL, {"from": "2026-03-10", "to": "2026-03-10"}))
    assert len(on_10th) == 1 and "Patient record opened" in on_10th[0]
    on_11th = _rows(manager.get(URL, {"from": "2026-03-11"}))
    assert len(on_11th) == 1 and "Patient details changed" in on_11th[0]


def _ids(response) -> list[int]:
    return [row.entry.pk for row in response.context["rows"]]


def test_keyset_pages_walk_older_without_gaps(manager, clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # Entries three to a timestamp: the id breaks the tie.
    for n in range(PAGE_SIZE * 2 + 5):
        _entry(clinician_a, Action.PATIENT_VIEW, patient, at=start + timedelta(minutes=n // 3))
    _entry(clinician_a, Action.PATIENT_VIEW, None, at=start)  # no patient: filtered out
    pages, links = [], []
    query = f"patient={patient.pk}"
    while query:
        response = manager.get(f"{URL}?{query}")
        pages.append(_ids(response))
        links.append(response.context)
        query = response.context["older"]
        assert query is None or f"patient={patient.pk}" in query  # the filter survives
    expected = list(
        AuditEntry.objects.filter(patient_id=patient.pk)
        .order_by("-at", "-id")
        .values_list("id", flat=True)
    )
    assert [pk for page in pages for pk in page] == expected
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 5]
    assert links[0]["is_first_page"] and not links[1]["is_first_page"]


@pytest.mark.parametrize("size", [5, 120])
def test_each_page_takes_a_constant_number_of_queries(
    manager, clinician_a, practice_a, size, django_assert_max_num_queries
):
    patients = PatientFactory.create_batch(5, practice=practice_a)
    ClinicianFactory.create_batch(size // 10, practice=practice_a)
    for n in range(size):
        _entry(clinician_a, Action.PATIENT_VIEW, patients[n % 5])
    # session, user, practice, staff for the select, entries, patient names, session saved
    with django_assert_max_num_queries(9):
        first = manager.get(URL, {"patient": patients[0].pk, "user": clinician_a.pk})
    assert first.status_code == 200
    with django_assert_max_num_queries(9):
        manager.get(URL)
    if first.context["older"]:
        with django_assert_max_num_queries(9):
            manager.get(f"{URL}?{first.context['older']}")


def test_audit_lines_write_dates_in_the_practice_format_not_iso(manager, clinician_a, practice_a):
    """The summaries services write name days and times as every page does (issue 16.C:
    'to 2026-09-16 14:00' beside '16 Sep 2026' in the When column)."""
    from datetime import date, time

    from lots.services import register_lot
    from protocols.planner import local
    from scheduling.booking import book_appointment
    from tests.factories import PatientFactory as Patients

    zone = practice_a.zone
    start = local(date.today() + timedelta(days=9), time(10), zone)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    patient = Patients(practice=practice_a, first_name="Greta", last_name="Lorenz")
    book_appointment(
        actor=clinician_a,
        patient=patient,
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    expires = date.today().replace(day=1) + timedelta(days=400)
    register_lot(
        actor=clinician_a, formulation_code="mesolift", lot_number="ML-77", expires_on=expires
    )
    html = manager.get(URL).content.decode()
    text = re.sub(r"<[^>]+>", " ", html.split("<tbody>")[1].split("</tbody>")[0])
    assert f"{start:%a %d %b %Y}, 10:00" in text
    assert f"expires {expires:%d %b %Y}" in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
