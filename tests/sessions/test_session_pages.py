"""The browser's session form and record page: opened from the appointment, pre-filled
from the previous session, refusals shown on the fields they name, constant queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mesoplan.models import AuditEntry
from sessions import recording
from sessions.models import PreSessionCheck, SessionRecord
from sessions.versions import versions_of
from tests.sessions.recording_support import a_pass, booked_course, equipment, fine_check, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinician_a):
    lot(clinician_a.practice, clinician_a, "L-100")
    return booked_course(clinician_a)


def appointments(course):
    return list(course.appointments.order_by("sequence"))


def form_data(regions=("forehead", "chin"), **extra):
    data = {
        "today_pregnancy": "no",
        "today_acute_infection": "no",
        "today_acute_inflammatory_dermatosis": "no",
        "regions": list(regions),
    }
    for region in regions:
        data |= {
            f"{region}__lot": "L-100",
            f"{region}__single_pulse": "on",
            f"{region}__single_pulse__depth_mm": "1.5",
            f"{region}__single_pulse__spacing_mm": "10",
            f"{region}__single_pulse__points": "20",
            f"{region}__single_pulse__volume_ml": "0.5",
            f"{region}__nappage": "on",
            f"{region}__nappage__depth_mm": "0.5",
            f"{region}__nappage__volume_ml": "0.4",
        }
    return data | extra


def session_url(appointment):
    return reverse("calendar:session", args=[appointment.pk])


def test_the_appointment_offers_to_record_the_session(browser_a, course):
    page = browser_a.get(reverse("calendar:appointment", args=[appointments(course)[0].pk]))
    assert session_url(appointments(course)[0]) in page.content.decode()


def test_recording_two_regions_with_both_techniques(browser_a, course):
    first = appointments(course)[0]
    response = browser_a.post(session_url(first), form_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    record = SessionRecord.objects.get(appointment=first)
    passes = [(p.region, p.technique) for p in record.passes.order_by("position")]
    assert passes == [
        ("forehead", "single_pulse"),
        ("forehead", "nappage"),
        ("chin", "single_pulse"),
        ("chin", "nappage"),
    ]
    page = browser_a.get(session_url(first)).content.decode()
    assert "Forehead" in page and "L-100" in page
    assert AuditEntry.objects.filter(action="session.view", object_id=str(record.pk)).exists()


def test_an_unanswered_check_question_is_named(browser_a, course):
    data = form_data()
    del data["today_acute_infection"]
    response = browser_a.post(session_url(appointments(course)[0]), data)
    assert response.status_code == 400
    assert "Answer Yes or No: Acute viral or bacterial infection." in response.content.decode()


def test_a_range_error_shows_on_its_input(browser_a, course):
    data = form_data(regions=("chin",))
    data["chin__nappage__depth_mm"] = "2"
    response = browser_a.post(session_url(appointments(course)[0]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Depth must be between 0.1 and 1 mm for nappage." in html
    assert 'id="id_chin__nappage__depth_mm_error"' in html
    assert not SessionRecord.objects.exists()
    # The summary names the field once: "Chin, nappage" then "Depth must be ...".
    summary = html.split("data-error-summary")[1].split("</div>")[0]
    assert "Depth</a>" not in summary and "Chin, nappage</a>" in summary


def test_a_deferring_check_offers_to_move_the_appointment(browser_a, course):
    first = appointments(course)[0]
    response = browser_a.post(session_url(first), form_data(today_pregnancy="yes"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Not recorded." in html and "Pregnancy" in html
    assert reverse("calendar:appointment", args=[first.pk]) + "#move" in html
    assert PreSessionCheck.objects.count() == 1 and not SessionRecord.objects.exists()


def test_the_form_starts_from_the_previous_session(browser_a, clinician_a, course):
    first, second = appointments(course)[:2]
    needle = equipment(clinician_a.practice, "needle", "32G 4 mm")
    recording.record_session(
        actor=clinician_a,
        appointment=first,
        answers=fine_check(),
        passes=[a_pass("nappage", "neck", depth_mm=Decimal("0.7"), needle=needle.pk)],
    )
    page = browser_a.get(session_url(second)).content.decode()
    assert (
        'value="neck" id="id_regions_' in page and "checked" in page.split('value="neck"')[1][:80]
    )
    assert 'name="neck__nappage__depth_mm" value="0.7"' in page
    assert f'<option value="{needle.pk}" selected>' in page


def test_a_manager_sees_the_record_but_no_form(client, manager_a, clinician_a, course):
    first = appointments(course)[0]
    client.force_login(manager_a)
    assert "Not recorded yet" in client.get(session_url(first)).content.decode()
    assert client.post(session_url(first), form_data()).status_code == 403


def test_an_amendment_keeps_the_original_readable(browser_a, clinician_a, course):
    first = appointments(course)[0]
    browser_a.post(session_url(first), form_data(regions=("chin",)))
    data = form_data(regions=("chin",), reason="Depth was 1.2 mm")
    data["chin__single_pulse__depth_mm"] = "1.2"
    response = browser_a.post(reverse("calendar:session-amend", args=[first.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = browser_a.get(session_url(first)).content.decode()
    assert "Version 1 (original)" in page and "Depth was 1.2 mm" in page
    versions = versions_of(SessionRecord.objects.get())
    assert versions[0].passes[0].depth_mm == Decimal("1.50")
    assert versions[1].passes[0].depth_mm == Decimal("1.20")


@pytest.mark.parametrize("regions", [1, 12])
def test_pages_run_a_constant_number_of_queries(
    regions, browser_a, clinician_a, course, django_assert_max_num_queries
):
    from protocols.regions import AREAS

    first, second = appointments(course)[:2]
    chosen = AREAS["face"][:regions]
    recording.record_session(
        actor=clinician_a,
        appointment=first,
        answers=fine_check(),
        passes=[a_pass(t, r) for r in chosen for t in ("single_pulse", "nappage")],
    )
    # The record with its versions (13), its outcomes section (3: measures, photos,
    # consent) and adverse events (2).
    with django_assert_max_num_queries(18):
        assert browser_a.get(session_url(first)).status_code == 200
    # The form (16), the patient's open adverse events and the lots linked to them (2).
    with django_assert_max_num_queries(18):
        assert browser_a.get(session_url(second)).status_code == 200


def test_a_hair_course_shows_the_scalp_and_asks_no_pregnancy_of_a_man(browser_a, clinician_a):
    from tests.factories import PatientFactory

    lot(clinician_a.practice, clinician_a, "MH-1", formulation="mesohair")
    man = PatientFactory(practice=clinician_a.practice, sex="male")
    course = booked_course(clinician_a, protocol="mesohair", patient=man)
    html = browser_a.get(session_url(appointments(course)[0])).content.decode()
    assert 'data-region="scalp_vertex"' in html and 'data-region="forehead"' not in html
    assert 'value="scalp_vertex"' in html and 'value="chin"' not in html
    assert "today_pregnancy" not in html and "today_acute_infection" in html
    assert "MH-1" in html


def test_a_first_session_form_has_no_value_nobody_typed(browser_a, course):
    first = appointments(course)[0]
    page = browser_a.get(session_url(first)).content.decode()
    assert 'name="forehead__single_pulse__depth_mm"' in page
    for field in ("single_pulse__depth_mm", "single_pulse__points", "nappage__volume_ml"):
        tag = page.split(f'name="forehead__{field}"')[1].split(">")[0]
        assert "value=" not in tag, tag
    assert "A first session starts empty" in page
