"""Recording a session through the service: the check, the passes, the course advancing,
and amendments that keep the original (API.md "Session records")."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import AuditEntry
from scheduling.models import AppointmentStatus, Course
from sessions import recording
from sessions.models import Pass, PreSessionCheck, SessionRecord
from sessions.versions import versions_of
from tests.concurrency import race
from tests.sessions.recording_support import a_pass, a_past_moment, booked_course, fine_check, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinician_a):
    return booked_course(clinician_a)


@pytest.fixture
def box(clinician_a):
    return lot(clinician_a.practice, clinician_a)


def first(course):
    return course.appointments.order_by("sequence").first()


def record(clinician, appointment, passes=None, **answers):
    return recording.record_session(
        actor=clinician,
        appointment=appointment,
        answers=fine_check(**answers),
        passes=passes or [a_pass("single_pulse", "forehead"), a_pass("nappage", "forehead")],
        performed_at=a_past_moment(),
    )


def test_recording_completes_the_appointment_and_keeps_the_passes(clinician_a, course, box):
    appointment = first(course)
    session = record(clinician_a, appointment)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.COMPLETED
    passes = list(session.passes.order_by("position"))
    assert [(p.technique, p.region, p.lot_id, p.version) for p in passes] == [
        ("single_pulse", "forehead", box.pk, 1),
        ("nappage", "forehead", box.pk, 1),
    ]
    assert session.pre_check.outcome == "eligible"
    assert AuditEntry.objects.filter(action="session.record", object_id=str(session.pk)).exists()


def test_single_pulse_after_nappage_in_one_region_is_refused_naming_the_pass(
    clinician_a, course, box
):
    with pytest.raises(InvalidInput) as caught:
        record(
            clinician_a,
            first(course),
            [a_pass("nappage", "chin"), a_pass("single_pulse", "chin")],
        )
    assert list(caught.value.errors["passes"]) == ["1"]
    assert "single-pulse after nappage" in caught.value.errors["passes"]["1"]["technique"][0]
    assert not SessionRecord.objects.exists() and not PreSessionCheck.objects.exists()


def test_a_deferring_check_stores_only_the_check(clinician_a, course, box):
    appointment = first(course)
    with pytest.raises(Conflict) as caught:
        record(clinician_a, appointment, conditions=frozenset({"acute_infection"}))
    assert caught.value.details["outcome"] == "deferred"
    assert [f["code"] for f in caught.value.details["findings"]] == ["acute_infection"]
    check = PreSessionCheck.objects.get()
    assert check.outcome == "deferred" and str(check.pk) == caught.value.details["check"]
    assert not SessionRecord.objects.exists() and not Pass.objects.exists()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.SCHEDULED


def test_herpes_prone_patient_needs_prophylaxis(clinician_a, box):
    course = booked_course(clinician_a, conditions=["herpes"])
    with pytest.raises(InvalidInput) as caught:
        record(clinician_a, first(course))
    assert "herpes_prophylaxis_given" in caught.value.errors
    session = record(clinician_a, first(course), herpes_prophylaxis_given=True)
    assert session.pre_check.herpes_prophylaxis_given is True


def test_an_expired_lot_of_another_formulation_is_refused(clinician_a, course):
    # Expired before the session was performed (a_past_moment: ten days ago).
    lot(clinician_a.practice, clinician_a, "OLD-1", expires_in_days=-30)
    lot(clinician_a.practice, clinician_a, "HAIR-1", formulation="mesohair")
    with pytest.raises(InvalidInput) as caught:
        record(
            clinician_a,
            first(course),
            [a_pass(lot_number="OLD-1"), a_pass(lot_number="HAIR-1"), a_pass(lot_number="NONE")],
        )
    problems = [p["product_lot"][0] for p in caught.value.errors["passes"].values()]
    assert "expired" in problems[0]
    assert "not this course's formulation" in problems[1]
    assert "not registered" in problems[2]


def test_range_messages_name_field_and_range(clinician_a, course, box):
    with pytest.raises(InvalidInput) as caught:
        record(clinician_a, first(course), [a_pass("nappage", depth_mm=Decimal("1.5"))])
    assert caught.value.errors["passes"]["0"]["depth_mm"] == [
        "Depth must be between 0.1 and 1 mm for nappage."
    ]


def test_the_last_session_completes_the_course(clinician_a, course, box):
    for appointment in course.appointments.order_by("sequence"):
        record(clinician_a, appointment)
    course.refresh_from_db()
    assert course.status == Course.Status.COMPLETED


def test_an_amendment_keeps_the_original(clinician_a, course, box):
    session = record(clinician_a, first(course))
    amendment = recording.amend_session(
        actor=clinician_a,
        record=session,
        reason="Volume mistyped",
        passes=[a_pass("single_pulse", "forehead", volume_ml=Decimal("0.8"))],
    )
    assert amendment.version == 2
    versions = versions_of(SessionRecord.objects.get(pk=session.pk))
    assert [v.version for v in versions] == [1, 2]
    assert [p.volume_ml for p in versions[0].passes] == [Decimal("0.500"), Decimal("0.500")]
    assert [p.volume_ml for p in versions[1].passes] == [Decimal("0.800")]
    assert versions[1].reason == "Volume mistyped"


def test_the_database_refuses_to_rewrite_a_recorded_pass(clinician_a, course, box):
    session = record(clinician_a, first(course))
    with pytest.raises(DatabaseError), transaction.atomic():
        Pass.objects.filter(session_record=session).update(volume_ml=Decimal("9"))
    with pytest.raises(DatabaseError), transaction.atomic():
        SessionRecord.objects.filter(pk=session.pk).update(notes="rewritten")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Pass.objects.filter(session_record=session).delete()


def test_a_recorded_appointment_is_not_recorded_twice(clinician_a, course, box):
    appointment = first(course)
    record(clinician_a, appointment)
    with pytest.raises(Conflict):
        record(clinician_a, appointment)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_parallel_recordings_of_one_appointment_keep_exactly_one(clinician_a):
    lot(clinician_a.practice, clinician_a)
    appointment = first(booked_course(clinician_a))

    def attempt():
        record(clinician_a, appointment)
        return "recorded"

    outcomes = race([attempt] * 10, {Conflict: "conflict"})
    assert sorted(outcomes) == ["conflict"] * 9 + ["recorded"], outcomes
    assert SessionRecord.objects.count() == 1 and PreSessionCheck.objects.count() == 1
    assert Pass.objects.count() == 2


@pytest.mark.parametrize("sequence", [1, 8])
def test_recording_eight_passes_runs_a_fixed_handful_of_queries(
    clinician_a, course, box, sequence, django_assert_max_num_queries
):
    """Issue 15.10: the lock on the course's appointments (order and completion from that
    one read), the screening, the formulation, the ranges, the lots, four inserts and an
    update: 10, the lot's session count (issue 16: one update, not a count over every
    pass), the appointment's new version read back (issue 17: the database raises it)
    and the test's savepoint pair; the last session completes the course (one update
    more) without counting again."""
    for earlier in course.appointments.filter(sequence__lt=sequence).order_by("sequence"):
        record(clinician_a, earlier)
    appointment = course.appointments.get(sequence=sequence)
    regions = ["forehead", "chin", "neck", "glabella"]
    passes = [a_pass(t, r) for r in regions for t in ("single_pulse", "nappage")]
    when = a_past_moment()
    from datetime import timedelta

    from scheduling.models import Appointment

    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=when - timedelta(minutes=5), ends_at=when + timedelta(minutes=40)
    )
    appointment.refresh_from_db()
    with django_assert_max_num_queries(14 + (sequence == 8)) as captured:
        recording.record_session(
            actor=clinician_a,
            appointment=appointment,
            answers=fine_check(),
            passes=passes,
            performed_at=when,
        )
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)
    course.refresh_from_db()
    assert course.status == (Course.Status.COMPLETED if sequence == 8 else Course.Status.ACTIVE)
