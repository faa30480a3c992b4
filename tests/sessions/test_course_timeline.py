"""The course timeline on the patient record: sessions done and planned, passes per
region, measures, photos and adverse events, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import OutcomeMeasure
from sessions import recording
from sessions.models import AdverseEvent
from sessions.timeline import course_timeline
from tests.sessions.recording_support import a_pass, a_past_moment, booked_course, fine_check, lot

pytestmark = pytest.mark.django_db


def record(clinician, appointment, regions=("forehead",)):
    return recording.record_session(
        actor=clinician,
        appointment=appointment,
        answers=fine_check(),
        passes=[a_pass(t, r) for r in regions for t in ("single_pulse", "nappage")],
        performed_at=a_past_moment(),
    )


def test_timeline_shows_done_and_planned_sessions(clinician_a, browser_a):
    lot(clinician_a.practice, clinician_a, "L-100")
    course = booked_course(clinician_a)
    first = course.appointments.order_by("sequence").first()
    session = record(clinician_a, first, ("forehead", "chin"))
    OutcomeMeasure.objects.create(
        session_record=session, gais=2, patient_rating=8, recorded_by=clinician_a
    )
    AdverseEvent.objects.create(
        practice=clinician_a.practice,
        session_record=session,
        patient=course.patient,
        type="haematoma",
        severity="mild",
        onset_at=timezone.now(),
        outcome="recovering",
        recorded_by=clinician_a,
    )
    html = browser_a.get(reverse("patients:detail", args=[course.patient_id])).content.decode()
    assert "Session 1 of 8" in html and "Forehead (SP + N), Chin (SP + N)" in html
    assert "2 ml" in html and "lot L-100" in html and "GAIS 2" in html and "patient 8/10" in html
    assert "Adverse event:</strong> Haematoma (mild), recovering" in html
    assert html.count('badge--neutral">Planned') == 7
    assert reverse("calendar:session", args=[first.pk]) in html


def test_timeline_entries_follow_the_course():
    from types import SimpleNamespace as A

    now = timezone.now()
    rows = [
        A(pk=1, sequence=1, status="completed", starts_at=now),
        A(pk=2, sequence=2, status="cancelled", starts_at=now + timedelta(days=7)),
        A(pk=3, sequence=3, status="scheduled", starts_at=now + timedelta(days=14)),
    ]
    entries = course_timeline(
        total=4,
        appointments=rows,
        records={},
        current_passes={},
        versions={},
        measures={},
        photos={},
        events={},
    )
    assert [e.state for e in entries] == ["missed", "open", "planned", "open"]


@pytest.mark.parametrize("sessions", [1, 6])
def test_the_record_page_reads_a_constant_number_of_queries(
    sessions, clinician_a, browser_a, django_assert_max_num_queries
):
    lot(clinician_a.practice, clinician_a, "L-100")
    course = booked_course(clinician_a)
    for appointment in course.appointments.order_by("sequence")[:sessions]:
        record(clinician_a, appointment, ("forehead", "chin", "neck"))
    with django_assert_max_num_queries(26):
        assert (
            browser_a.get(reverse("patients:detail", args=[course.patient_id])).status_code == 200
        )
