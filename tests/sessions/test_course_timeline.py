"""The course timeline on the patient record: sessions done and planned, passes per
region, measures, photos and adverse events, in a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import OutcomeMeasure, Photo
from outcomes.selectors import course_timelines
from scheduling import selectors
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
    # 15 for the record, its courses and the session cookie's save, 2 for the timeline
    # (the appointments with their records and counts, the passes).
    with django_assert_max_num_queries(17):
        assert (
            browser_a.get(reverse("patients:detail", args=[course.patient_id])).status_code == 200
        )


def event(clinician, session, type, onset_at):
    return AdverseEvent.objects.create(
        practice=clinician.practice,
        session_record=session,
        patient=session.patient,
        type=type,
        severity="mild",
        onset_at=onset_at,
        outcome="recovering",
        recorded_by=clinician,
    )


def photo(clinician, session, phase):
    return Photo.objects.create(
        practice=clinician.practice,
        patient=session.patient,
        session_record=session,
        phase=phase,
        image=f"{phase}.jpg",
        content_type="image/jpeg",
        width=10,
        height=10,
        byte_size=100,
        uploaded_by=clinician,
    )


def timeline_of(clinician, course):
    rows = selectors.patient_courses(clinician, course.patient, timezone.now())
    return course_timelines(clinician, course.patient, [c for c, _ in rows])[course.pk]


def test_a_corrected_session_shows_its_current_passes_latest_measure_photos_and_events(
    clinician_a,
):
    lot(clinician_a.practice, clinician_a, "L-100")
    lot(clinician_a.practice, clinician_a, "L-200")
    course = booked_course(clinician_a)
    first, second = course.appointments.order_by("sequence")[:2]
    corrected = record(clinician_a, first, ("forehead", "chin"))
    recording.amend_session(
        actor=clinician_a,
        record=corrected,
        reason="Only the chin was treated",
        passes=[a_pass("nappage", "chin", lot_number="L-200", volume_ml=Decimal("0.8"))],
    )
    OutcomeMeasure.objects.create(session_record=corrected, gais=1, recorded_by=clinician_a)
    OutcomeMeasure.objects.create(session_record=corrected, gais=3, recorded_by=clinician_a)
    photo(clinician_a, corrected, "before")
    photo(clinician_a, corrected, "after")
    now = timezone.now()
    event(clinician_a, corrected, "swelling", now)
    event(clinician_a, corrected, "haematoma", now - timedelta(hours=1))
    plain = record(clinician_a, second)

    done, untouched, planned = timeline_of(clinician_a, course)[:3]
    assert [r.text for r in done.regions] == ["Chin (N)"]
    assert (done.volume_ml, done.lots, done.version) == (Decimal("0.8"), ("L-200",), 2)
    assert done.measures.gais == 3 and done.photos == 2
    assert [e.type for e in done.events] == ["haematoma", "swelling"]  # by onset
    assert untouched.record.pk == plain.pk and untouched.version == 1
    assert [r.text for r in untouched.regions] == ["Forehead (SP + N)"]
    assert (untouched.lots, untouched.measures, untouched.photos, untouched.events) == (
        ("L-100",),
        None,
        0,
        (),
    )
    assert planned.state == "planned"


@pytest.mark.parametrize("sessions", [1, 6])
def test_the_timeline_reads_two_queries_and_one_more_each_for_measures_and_events(
    sessions, clinician_a, django_assert_num_queries
):
    lot(clinician_a.practice, clinician_a, "L-100")
    course = booked_course(clinician_a)
    done = [record(clinician_a, a) for a in course.appointments.order_by("sequence")[:sessions]]
    courses = [c for c, _ in selectors.patient_courses(clinician_a, course.patient, timezone.now())]
    with django_assert_num_queries(2):  # appointments with records and counts; passes
        course_timelines(clinician_a, course.patient, courses)
    for session in done:
        OutcomeMeasure.objects.create(session_record=session, gais=2, recorded_by=clinician_a)
    event(clinician_a, done[-1], "swelling", timezone.now())
    with django_assert_num_queries(4):
        course_timelines(clinician_a, course.patient, courses)


def test_another_practice_reads_no_timeline_of_the_patient(clinician_a, clinician_b):
    lot(clinician_a.practice, clinician_a, "L-100")
    course = booked_course(clinician_a)
    record(clinician_a, course.appointments.order_by("sequence").first())
    entries = course_timelines(clinician_b, course.patient, [course])[course.pk]
    assert [e.state for e in entries] == ["open"] * 8
