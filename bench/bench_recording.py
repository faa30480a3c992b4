"""Recording a session with 8 passes (check, record, passes, appointment, audit) as a
ratio to the raw SQL it needs; and the patient record's course timeline at 1 and 50
recorded sessions (queries must not grow) against one hand-written statement reading the
same, on the database DATABASE_URL names."""

import time
import uuid
from datetime import datetime, timedelta
from datetime import time as clock

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mesoplan.clock import practice_today, practice_zone
from outcomes.models import OutcomeMeasure, Photo
from outcomes.selectors import course_timelines
from patients import services
from scheduling import booking, selectors
from scheduling.models import Appointment, AppointmentStatus, Course
from sessions import recording
from tests.factories import ClinicianFactory, PatientFactory, PracticeFactory
from tests.sessions.recording_support import a_pass, fine_check, lot

REGIONS = ("forehead", "glabella", "cheek_left", "cheek_right")
# The raw side reads what the rules need (the course's appointments locked in order, the
# latest screening, the formulation's ingredients, the plausible ranges, the lot) and
# writes what the service writes; it evaluates no rule.
RAW_LOCK = """SELECT id, sequence, status, starts_at, ends_at FROM scheduling_appointment
WHERE course_id = %s ORDER BY sequence, id FOR UPDATE"""
RAW_SCREENING = """SELECT conditions, allergies, findings, reactions, outcome
FROM patients_screening WHERE patient_id = %s AND indication = 'skin'
ORDER BY created_at DESC, id DESC LIMIT 1"""
RAW_INGREDIENTS = """SELECT DISTINCT i.code, i.name FROM protocols_ingredient i
LEFT JOIN protocols_formulation_actives fa ON fa.ingredient_id = i.id
WHERE fa.formulation_id = %s OR i.is_catalyst"""
RAW_RANGES = "SELECT field, technique, minimum, maximum FROM protocols_plausiblerange"
RAW_LOT = """SELECT id, formulation_id, expires_on FROM lots_productlot
WHERE practice_id = %s AND number_key = ANY(%s)"""
RAW_CHECK = """INSERT INTO clinical_sessions_presessioncheck (id, practice_id, appointment_id,
patient_id, conditions, new_allergies, caution_acknowledgement, findings, outcome,
rule_set_version, created_by_id, created_at) VALUES (%s, %s, %s, %s, '[]', '[]', '', '[]',
'eligible', 'x', %s, now())"""
RAW_RECORD = """INSERT INTO clinical_sessions_sessionrecord (id, practice_id, appointment_id,
patient_id, course_id, formulation_id, pre_check_id, performed_at, performed_by_id, notes,
created_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, now(), %s, '', %s, now())"""
RAW_PASSES = """INSERT INTO clinical_sessions_pass (id, session_record_id, version, position,
technique, region, depth_mm, spacing_mm, points, volume_ml, lot_id) VALUES """
RAW_APPOINTMENT = """UPDATE scheduling_appointment SET status = 'completed',
updated_at = now() WHERE id = %s"""
RAW_AUDIT = """INSERT INTO mesoplan_auditentry (at, actor_id, actor_name, practice_id, action,
object_type, object_id, summary, details) VALUES (now(), %s, 'x', %s, 'session.record',
'sessionrecord', %s, '', '{}')"""
# The timeline by hand, one statement: every appointment of the patient with its record,
# the record's current version (its newest amendment, else 1), latest measure, photo count
# and adverse events, and the passes of that version with their lots, one row per pass.
RAW_TIMELINE = """SELECT a.id, a.course_id, a.sequence, a.status, a.starts_at,
r.id, r.course_id, r.performed_at, v.version, m.gais, m.hair_density_per_cm2,
m.patient_rating, ph.photos, ev.events, p.technique, p.region, p.volume_ml, l.lot_number
FROM scheduling_appointment a
LEFT JOIN clinical_sessions_sessionrecord r ON r.appointment_id = a.id
LEFT JOIN LATERAL (SELECT coalesce(max(am.version), 1) AS version
  FROM clinical_sessions_sessionamendment am WHERE am.session_record_id = r.id) v
  ON r.id IS NOT NULL
LEFT JOIN LATERAL (SELECT om.gais, om.hair_density_per_cm2, om.patient_rating
  FROM outcomes_outcomemeasure om WHERE om.session_record_id = r.id
  ORDER BY om.recorded_at DESC LIMIT 1) m ON true
LEFT JOIN LATERAL (SELECT count(*) AS photos
  FROM outcomes_photo f WHERE f.session_record_id = r.id) ph ON r.id IS NOT NULL
LEFT JOIN LATERAL (SELECT json_agg(json_build_array(e.type, e.severity, e.outcome)
  ORDER BY e.onset_at) AS events
  FROM clinical_sessions_adverseevent e WHERE e.session_record_id = r.id) ev
  ON r.id IS NOT NULL
LEFT JOIN clinical_sessions_pass p ON p.session_record_id = r.id AND p.version = v.version
LEFT JOIN lots_productlot l ON l.id = p.lot_id
WHERE a.practice_id = %s AND a.patient_id = %s
ORDER BY a.starts_at, p.position"""


def _median(samples: list[float]) -> float:
    samples.sort()
    return samples[len(samples) // 2]


_next_free = [0]  # courses 400 days apart: one clinician, no course in another's way


def _courses(clinician, patient, count):
    services.create_screening(
        actor=clinician,
        patient=patient,
        indication="skin",
        informed_consent=True,
        expectations_acknowledged=True,
    )
    # 10:00 at the practice, inside its hours whatever the hour the bench runs at (from
    # the time of day it ran, a 45-minute session began after 17:15 and did not fit).
    practice = clinician.practice
    start = datetime.combine(
        practice_today(practice) + timedelta(days=2), clock(10), tzinfo=practice_zone(practice)
    )
    for n in range(count):
        _next_free[0] += 1
        if n:  # one active course of an indication at a time: the one before is done
            Course.objects.filter(patient=patient, status="active").update(status="completed")
        begins = start + timedelta(days=_next_free[0] * 400)
        while begins.weekday() >= 5:  # closed at weekends: session 1 never moves back
            begins += timedelta(days=1)
        booking.book_course(
            actor=clinician,
            patient=patient,
            protocol_code="mesolift",
            clinician_id=clinician.pk,
            start=begins,
            initial_interval_days=7,
        )


def _eight_passes():
    return [a_pass(t, r) for r in REGIONS for t in ("single_pulse", "nappage")]


_past = [0]  # an hour apart: recorded sessions happened in the past, one at a time


def _performed_on_its_day(appointment):
    """Setup, not measured: the appointment moved to a past hour of its own, so that it is
    recorded on its planned day (the common case: no move to when it was performed)."""
    _past[0] += 1
    start = timezone.now() - timedelta(days=30) + timedelta(hours=_past[0])
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=start, ends_at=start + timedelta(minutes=45)
    )
    appointment.starts_at, appointment.ends_at = start, start + timedelta(minutes=45)
    return start + timedelta(minutes=5)


def measure_recording(practice, clinician) -> tuple[int, float, float]:
    """(queries, median ms, raw SQL median ms) of recording a first session with 8
    passes (the practice has lot L-100)."""
    rounds = 15
    patients = [PatientFactory(practice=practice) for _ in range(rounds * 2)]
    for patient in patients:
        _courses(clinician, patient, 1)
    firsts = [
        Course.objects.get(patient=p).appointments.order_by("sequence").first() for p in patients
    ]
    service_ms, queries = [], 0
    for appointment in firsts[:rounds]:
        performed = _performed_on_its_day(appointment)
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            recording.record_session(
                actor=clinician,
                appointment=appointment,
                answers=fine_check(),
                passes=_eight_passes(),
                performed_at=performed,
            )
            service_ms.append((time.perf_counter() - began) * 1000)
        queries = len(ctx)
    raw_ms = []
    for appointment in firsts[rounds:]:
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(RAW_LOCK, [appointment.course_id])
            cursor.fetchall()
            cursor.execute(RAW_SCREENING, [appointment.patient_id])
            cursor.fetchone()
            cursor.execute(RAW_LOT, [practice.pk, ["l-100"]])
            lot_id, formulation_id, _ = cursor.fetchone()
            cursor.execute(RAW_INGREDIENTS, [formulation_id])
            cursor.fetchall()
            cursor.execute(RAW_RANGES)
            cursor.fetchall()
            check_id, record_id = uuid.uuid4(), uuid.uuid4()
            cursor.execute(
                RAW_CHECK,
                [check_id, practice.pk, appointment.pk, appointment.patient_id, clinician.pk],
            )
            cursor.execute(
                RAW_RECORD,
                [
                    record_id,
                    practice.pk,
                    appointment.pk,
                    appointment.patient_id,
                    appointment.course_id,
                    formulation_id,
                    check_id,
                    clinician.pk,
                    clinician.pk,
                ],
            )
            rows, params = [], []
            for position, values in enumerate(_eight_passes(), start=1):
                rows.append("(%s, %s, 1, %s, %s, %s, %s, %s, %s, %s, %s)")
                params += [
                    uuid.uuid4(),
                    record_id,
                    position,
                    values.technique,
                    values.region,
                    values.depth_mm,
                    values.spacing_mm,
                    values.points,
                    values.volume_ml,
                    lot_id,
                ]
            cursor.execute(RAW_PASSES + ", ".join(rows), params)
            cursor.execute(RAW_APPOINTMENT, [appointment.pk])
            cursor.execute(RAW_AUDIT, [clinician.pk, practice.pk, str(record_id)])
        raw_ms.append((time.perf_counter() - began) * 1000)
    return queries, _median(service_ms), _median(raw_ms)


def bench_recording(practice, clinician) -> None:
    queries, service, raw = measure_recording(practice, clinician)
    print(
        f"{'record a session (8 passes)':<34}{'queries':>8}{'median ms':>11}{'raw SQL ms':>12}{'ratio':>7}"
    )
    print(f"{connection.vendor:<34}{queries:>8}{service:>11.2f}{raw:>12.2f}{service / raw:>7.2f}")


def _measured_and_photographed(clinician, record) -> None:
    """Setup, not measured: what the timeline shows of a session besides its passes, a
    measure and photos before and after (rows only: the timeline counts them)."""
    OutcomeMeasure.objects.create(
        session_record=record, gais=2, patient_rating=8, recorded_by=clinician
    )
    for phase in ("before", "after"):
        Photo.objects.create(
            practice_id=record.practice_id,
            patient_id=record.patient_id,
            session_record=record,
            phase=phase,
            image=f"{uuid.uuid4().hex}.jpg",
            content_type="image/jpeg",
            width=800,
            height=600,
            byte_size=50_000,
            uploaded_by=clinician,
        )


def bench_timeline(practice, clinician) -> None:
    print(f"\n{'course timeline':<34}{'queries':>8}{'median ms':>11}{'raw SQL ms':>12}{'ratio':>7}")
    for sessions in (1, 50):
        patient = PatientFactory(practice=practice)
        _courses(clinician, patient, (sessions + 7) // 8)
        appointments = list(
            Course.objects.filter(patient=patient)
            .values_list("appointments__pk", flat=True)
            .order_by("appointments__starts_at")
        )[:sessions]
        rows = selectors.appointments_for(clinician).filter(pk__in=appointments)
        for appointment in rows.order_by("starts_at"):
            record = recording.record_session(
                actor=clinician,
                appointment=appointment,
                answers=fine_check(),
                passes=_eight_passes(),
                performed_at=_performed_on_its_day(appointment),
            )
            _measured_and_photographed(clinician, record)
        assert (
            Course.objects.filter(
                patient=patient, appointments__status=AppointmentStatus.COMPLETED
            ).count()
            == sessions
        )

        # The record page has read the courses already ({% patient_course_state %}) and
        # hands them to the timeline: what is measured is the timeline's own read.
        courses = [c for c, _ in selectors.patient_courses(clinician, patient, timezone.now())]

        def read(patient=patient, courses=courses):
            return course_timelines(clinician, patient, courses)

        with CaptureQueriesContext(connection) as ctx:
            read()
        samples = []
        for _ in range(15):
            began = time.perf_counter()
            read()
            samples.append((time.perf_counter() - began) * 1000)
        raw = []
        for _ in range(15):
            began = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(RAW_TIMELINE, [practice.pk, patient.pk])
                cursor.fetchall()
            raw.append((time.perf_counter() - began) * 1000)
        service, raw_ms = _median(samples), _median(raw)
        label = f"{sessions} recorded session{'s' if sessions > 1 else ''}"
        print(f"{label:<34}{len(ctx):>8}{service:>11.2f}{raw_ms:>12.2f}{service / raw_ms:>7.2f}")


def run(timed) -> None:
    from django.conf import settings

    # The bench books a patient's courses 400 days apart, years ahead: setup, not a plan.
    settings.BOOKING_HORIZON_DAYS = 100_000
    if connection.vendor != "postgresql":
        print("skipped: the raw SQL side is PostgreSQL's (DATABASE_URL=postgres://...)")
        return
    practice = PracticeFactory(name="Recording bench", slug="recording-bench")
    clinician = ClinicianFactory(practice=practice)
    lot(practice, clinician, "L-100", expires_in_days=5000)
    bench_recording(practice, clinician)
    bench_timeline(practice, clinician)
