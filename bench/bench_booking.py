"""Booking a course: the service (gate, availability, planner, 8 appointments, audit) as
a ratio to the raw SQL it needs (8 overlap selects, the course and 8 appointment inserts,
the audit insert), on the database DATABASE_URL names."""

import time
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patients import services
from scheduling import booking
from tests.factories import ClinicianFactory, PatientFactory, PracticeFactory

RAW_LOCKS = """SELECT u.id, p.id FROM mesoplan_user u, patients_patient p
WHERE u.id = %s AND p.id = %s FOR UPDATE"""
RAW_ACTIVE = """SELECT 1 FROM scheduling_course WHERE patient_id = %s AND indication = 'skin'
AND status = 'active' LIMIT 1"""
RAW_OVERLAP = """SELECT 1 FROM scheduling_appointment WHERE (clinician_id = %s OR patient_id = %s)
AND starts_at < %s AND ends_at > %s AND status <> 'cancelled' LIMIT 1"""
RAW_APPOINTMENT = """INSERT INTO scheduling_appointment (id, practice_id, patient_id,
clinician_id, course_id, kind, sequence, starts_at, ends_at, status, cancellation_reason,
cancellation_note, created_at, updated_at)
VALUES (%s, %s, %s, %s, %s, 'course', %s, %s, %s, 'scheduled', '', '', now(), now())"""
RAW_COURSE = """INSERT INTO scheduling_course (id, patient_id, protocol_id, indication,
clinician_id, screening_id, initial_interval_days, targets, combinations, status,
ended_reason, created_by_id, created_at, updated_at)
VALUES (%s, %s, %s, 'skin', %s, %s, 7, '[]', '[]', 'active', '', %s, now(), now())"""
RAW_AUDIT = """INSERT INTO mesoplan_auditentry (at, actor_id, actor_name, practice_id, action,
object_type, object_id, summary, details) VALUES (now(), %s, 'x', %s, 'course.book', 'course',
%s, '', '{}')"""


def _median(samples: list[float]) -> float:
    samples.sort()
    return samples[len(samples) // 2]


def run(timed) -> None:
    if connection.vendor != "postgresql":
        print("skipped: the raw SQL side is PostgreSQL's (DATABASE_URL=postgres://...)")
        return
    practice = PracticeFactory(name="Booking bench", slug="booking-bench")
    clinician = ClinicianFactory(practice=practice)
    rounds = 15
    patients = []
    for _ in range(rounds):
        patient = PatientFactory(practice=practice)
        screening = services.create_screening(
            actor=clinician,
            patient=patient,
            indication="skin",
            informed_consent=True,
            expectations_acknowledged=True,
        )
        patients.append((patient, screening))
    start = timezone.now() + timedelta(days=3)
    service_ms, queries = [], 0
    for index, (patient, _) in enumerate(patients):
        when = start + timedelta(days=index * 400)  # no course stands in another's way
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            booking.book_course(
                actor=clinician,
                patient=patient,
                protocol_code="mesolift",
                clinician_id=clinician.pk,
                start=when,
                initial_interval_days=7,
            )
            service_ms.append((time.perf_counter() - began) * 1000)
        queries = len(ctx)
    from protocols.models import Protocol
    from scheduling.models import Course

    protocol = Protocol.objects.get(code="mesolift")
    # The raw side books the same patients again: their first courses are done by then.
    Course.objects.filter(patient__in=[p for p, _ in patients]).update(status="completed")
    raw_ms = []
    for index, (patient, screening) in enumerate(patients):
        when = start + timedelta(days=200 + index * 400)
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            course_id = uuid.uuid4()
            slots = [
                (when + timedelta(days=7 * k), when + timedelta(days=7 * k, minutes=45))
                for k in range(8)
            ]
            cursor.execute(RAW_LOCKS, [clinician.pk, patient.pk])
            cursor.execute(RAW_ACTIVE, [patient.pk])
            cursor.fetchall()
            for slot_start, slot_end in slots:
                cursor.execute(RAW_OVERLAP, [clinician.pk, patient.pk, slot_end, slot_start])
                cursor.fetchall()
            cursor.execute(
                RAW_COURSE,
                [course_id, patient.pk, protocol.pk, clinician.pk, screening.pk, clinician.pk],
            )
            for k, (slot_start, slot_end) in enumerate(slots, start=1):
                cursor.execute(
                    RAW_APPOINTMENT,
                    [
                        uuid.uuid4(),
                        practice.pk,
                        patient.pk,
                        clinician.pk,
                        course_id,
                        k,
                        slot_start,
                        slot_end,
                    ],
                )
            cursor.execute(RAW_AUDIT, [clinician.pk, practice.pk, str(course_id)])
        raw_ms.append((time.perf_counter() - began) * 1000)
    service, raw = _median(service_ms), _median(raw_ms)
    print(
        f"{'book a course (8 sessions)':<30}{'queries':>8}{'median ms':>11}{'raw SQL ms':>12}{'ratio':>7}"
    )
    print(f"{connection.vendor:<30}{queries:>8}{service:>11.2f}{raw:>12.2f}{service / raw:>7.2f}")
