"""A session form (or API body) with mistakes in the pre-session check and in the passes
gets every one of them back at once: the check's answers, the time and each pass's
fields in one 400, never the check first and the passes on the next submit (issue 16.C)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoplan.errors import InvalidInput
from sessions import recording
from sessions.models import PreSessionCheck, SessionAmendment, SessionRecord
from tests.sessions.recording_support import (
    a_pass,
    a_past_moment,
    booked_course,
    fine_check,
    lot,
    record_checked,
)
from tests.sessions.test_session_pages import form_data, session_url

pytestmark = pytest.mark.django_db

TOO_DEEP = "Depth must be between 0.1 and 4 mm."
HERPES = "The patient tends to herpes: give herpes prophylaxis before the session"


@pytest.fixture
def herpes_course(clinician_a):
    lot(clinician_a.practice, clinician_a, "L-100")
    return booked_course(clinician_a, conditions=["herpes"])


def first(course):
    return course.appointments.order_by("sequence").first()


def test_the_service_refuses_the_owed_check_answer_and_the_passes_together(
    clinician_a, herpes_course
):
    with pytest.raises(InvalidInput) as caught:
        recording.record_session(
            actor=clinician_a,
            appointment=first(herpes_course),
            answers=fine_check(),  # no prophylaxis confirmed
            passes=[a_pass(depth_mm=Decimal("9")), a_pass("nappage", lot_number="NONE-1")],
            performed_at=a_past_moment(),
        )
    errors = caught.value.errors
    assert HERPES in errors["herpes_prophylaxis_given"][0]
    assert errors["passes"]["0"]["depth_mm"] == [TOO_DEEP]
    assert list(errors["passes"]["1"]) == ["product_lot"]
    assert not PreSessionCheck.objects.exists() and not SessionRecord.objects.exists()


def test_a_future_time_comes_back_with_the_pass_errors(clinician_a, herpes_course):
    with pytest.raises(InvalidInput) as caught:
        recording.record_session(
            actor=clinician_a,
            appointment=first(herpes_course),
            answers=fine_check(herpes_prophylaxis_given=True),
            passes=[a_pass(depth_mm=Decimal("9"))],
            performed_at=timezone.now() + timedelta(days=2),
        )
    assert set(caught.value.errors) == {"performed_at", "passes"}


def test_the_api_answers_one_400_with_the_check_and_the_passes(api_a, herpes_course):
    appointment = first(herpes_course)
    body = {
        "conditions": [],
        "passes": [
            {
                "technique": "nappage",
                "region": "chin",
                "depth_mm": 3,
                "volume_ml": 0.4,
                "product_lot": "L-100",
            }
        ],
    }
    response = api_a.post(f"/api/v1/appointments/{appointment.pk}/session/", body, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert HERPES in errors["herpes_prophylaxis_given"][0]
    assert errors["passes"]["0"]["depth_mm"] == ["Depth must be between 0.1 and 1 mm for nappage."]
    assert not PreSessionCheck.objects.exists()


def test_the_form_shows_unanswered_questions_and_pass_errors_in_one_round(browser_a, herpes_course):
    data = form_data(regions=("chin",))
    del data["today_pregnancy"]
    data["chin__single_pulse__depth_mm"] = "9"  # out of range: the service's rule
    data["chin__nappage__volume_ml"] = "abc"  # not a number: the form's own
    response = browser_a.post(session_url(first(herpes_course)), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Answer Yes or No: Pregnancy." in html
    assert HERPES in html
    assert TOO_DEEP in html and 'id="id_chin__single_pulse__depth_mm_error"' in html
    # The form's own error stays, alone: not also "Volume is required".
    assert "Enter a number." in html and "Volume is required" not in html
    summary = html.split("data-error-summary")[1].split("</div>")[0]
    assert summary.count("<li>") == 4
    # In the page's order: the question, the prophylaxis, then the passes.
    order = [summary.index(s) for s in ("Pregnancy", "Herpes prophylaxis", "Chin, single-pulse")]
    assert order == sorted(order)
    # A pass value's error is listed below its row of inputs, under the id its input's
    # aria-describedby names, never inside the input's column (it would move the inputs).
    column = html.split('class="num-input num-input--depth_mm field--invalid"')[1].split("</div>")[
        0
    ]
    assert 'class="error"' not in column and TOO_DEEP not in column
    assert 'aria-describedby="id_chin__single_pulse__depth_mm_error"' in column
    errors = html.split('<ul class="technique__errors">')[1].split("</ul>")[0]
    assert f'<li class="error" id="id_chin__single_pulse__depth_mm_error">{TOO_DEEP}</li>' in errors
    assert "Volume: Enter a number." in html
    assert not PreSessionCheck.objects.exists() and not SessionRecord.objects.exists()


def test_the_form_still_records_once_everything_is_answered(browser_a, herpes_course):
    data = form_data(regions=("chin",), herpes_prophylaxis_given="on")
    response = browser_a.post(session_url(first(herpes_course)), data)
    assert response.status_code == 302
    assert SessionRecord.objects.count() == 1


def test_a_correction_without_its_reason_shows_the_pass_errors_too(
    browser_a, clinician_a, herpes_course
):
    appointment = first(herpes_course)
    record_checked(clinician_a, appointment, herpes_prophylaxis_given=True)
    data = form_data(regions=("chin",))
    data["chin__nappage__depth_mm"] = "3"
    response = browser_a.post(reverse("calendar:session-amend", args=[appointment.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why the record is corrected." in html
    assert "Depth must be between 0.1 and 1 mm for nappage." in html
    assert not SessionAmendment.objects.exists()


def test_the_amendment_service_names_the_reason_and_the_passes_at_once(clinician_a, herpes_course):
    appointment = first(herpes_course)
    record = record_checked(clinician_a, appointment, herpes_prophylaxis_given=True)
    with pytest.raises(InvalidInput) as caught:
        recording.amend_session(
            actor=clinician_a,
            record=record,
            reason="  ",
            passes=[a_pass(depth_mm=Decimal("9"))],
        )
    assert set(caught.value.errors) == {"reason", "passes"}
