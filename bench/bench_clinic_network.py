"""The pages of a clinic network's practice (PostgreSQL; bench.scale_data: 20 clinicians,
100,000 patients, ~400,000 appointments over two years, ~190,000 recorded sessions with
1.1 M passes), each against the raw SQL it needs, in the same run.

For each page it prints the queries the request runs, its median time, the median time
of hand-written SQL reading what the page shows, and the ratio: a page whose cost grows
with the practice's history shows here as a ratio well above 3 (5 for the API page).
Beside the full-size time it prints the same page's at a tenth of the history (the same
20 clinicians with full days, 10,000 patients, about 73 days of appointments) and in a
new practice (one clinician, nothing recorded: what a request costs in session, user,
middleware and template whatever the data), so growth with history, and the framework's
floor, show in one run.
Run: `DATABASE_URL=postgres://... make bench BENCH=bench_clinic_network` (the data set
takes a few minutes to generate; BENCH_REPEAT sets the samples per median, 7 by default).
"""

import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from bench import scale_data
from bench.bench_recording import (
    RAW_TIMELINE,
    _courses,
    _eight_passes,
    _performed_on_its_day,
    measure_recording,
)
from bench.clients import token_client
from mesoplan.clock import practice_zone
from mesoplan.models import Practice, User
from tests.factories import ClinicianFactory, ManagerFactory, PatientFactory, PracticeFactory
from tests.sessions.recording_support import fine_check, lot

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))

# --- The raw SQL of each page: what it shows, read by hand ---------------------------

# Open adverse events (current outcome: the newest follow-up's, else the event's own).
RAW_OPEN_EVENTS = """
SELECT e.id, e.type, e.onset_at, p.first_name, p.last_name, a.id, a.starts_at
FROM clinical_sessions_adverseevent e
JOIN patients_patient p ON p.id = e.patient_id
JOIN clinical_sessions_sessionrecord r ON r.id = e.session_record_id
JOIN scheduling_appointment a ON a.id = r.appointment_id
LEFT JOIN LATERAL (SELECT f.outcome FROM clinical_sessions_adverseeventfollowup f
  WHERE f.event_id = e.id ORDER BY f.recorded_at DESC, f.id DESC LIMIT 1) f ON true
WHERE e.practice_id = %(practice)s
  AND coalesce(f.outcome, e.outcome) IN ('recovering', 'not_recovered', 'unknown')
ORDER BY e.onset_at, e.id
"""
# A practice's latest screenings of an outcome (no newer one of the patient and
# indication), caution ones without an acknowledgement: the 15 oldest and how many.
RAW_LATEST_OF_OUTCOME = """
SELECT s.id, s.indication, s.created_at, p.id, p.first_name, p.last_name
FROM patients_screening s JOIN patients_patient p ON p.id = s.patient_id
WHERE p.practice_id = %(practice)s AND s.outcome = %(outcome)s {unacknowledged}
  AND NOT EXISTS (SELECT 1 FROM patients_screening n WHERE n.patient_id = s.patient_id
                  AND n.indication = s.indication AND (n.created_at, n.id) > (s.created_at, s.id))
ORDER BY s.created_at, s.id
"""
UNACKNOWLEDGED = (
    "AND NOT EXISTS (SELECT 1 FROM patients_screeningacknowledgement k WHERE k.screening_id = s.id)"
)
RAW_RECENT = """
SELECT v.patient_id, v.viewed_at, p.first_name, p.last_name FROM (
  SELECT patient_id, max(at) AS viewed_at FROM mesoplan_auditentry
  WHERE practice_id = %(practice)s AND actor_id = %(actor)s AND action = 'patient.view'
    AND patient_id IS NOT NULL AND at >= %(recent_since)s
  GROUP BY patient_id ORDER BY 2 DESC LIMIT 8) v JOIN patients_patient p ON p.id = v.patient_id
"""
RAW_AGENDA = """
SELECT a.id, a.kind, a.status, a.sequence, a.starts_at, a.ends_at, p.id, p.first_name,
       p.last_name, pr.session_count, pr.name
FROM scheduling_appointment a JOIN patients_patient p ON p.id = a.patient_id
LEFT JOIN scheduling_course c ON c.id = a.course_id
LEFT JOIN protocols_protocol pr ON pr.id = c.protocol_id
WHERE a.practice_id = %(practice)s AND a.clinician_id = %(actor)s AND a.starts_at >= %(since)s
  AND a.starts_at < %(until)s AND a.status <> 'cancelled'
ORDER BY a.starts_at, a.id
"""
RAW_HERPES = """
SELECT DISTINCT ON (patient_id, indication) patient_id, conditions FROM patients_screening
WHERE patient_id = ANY(%(patients)s) ORDER BY patient_id, indication, created_at DESC, id DESC
"""
RAW_MANAGER = [
    "SELECT count(*) FROM patients_patient WHERE practice_id = %(practice)s",
    """SELECT count(*) FROM patients_screening s JOIN patients_patient p ON p.id = s.patient_id
       WHERE p.practice_id = %(practice)s AND s.created_at >= %(week_starts)s""",
    "SELECT count(*) FROM ("
    + RAW_LATEST_OF_OUTCOME.format(unacknowledged=UNACKNOWLEDGED).replace(
        "ORDER BY s.created_at, s.id", ""
    )
    + ") q",
    """SELECT id, username, first_name, last_name, role, is_active FROM mesoplan_user
       WHERE practice_id = %(practice)s ORDER BY last_name, first_name""",
]
# The lot list: a page of lots newest first with formulation, who registered it and how
# many sessions used it.
RAW_LOTS = """
SELECT l.id, l.lot_number, l.expires_on, l.created_at, f.code, f.name, u.first_name,
       u.last_name, {sessions}
FROM lots_productlot l JOIN protocols_formulation f ON f.id = l.formulation_id
JOIN mesoplan_user u ON u.id = l.created_by_id
WHERE l.practice_id = %(practice)s ORDER BY l.created_at DESC, l.id DESC LIMIT 51
"""
LOT_SESSIONS_KEPT = "l.session_count"
# A calendar's appointments overlapping a period (none lasts over 12 hours), with the
# patient and the course's protocol; the clinicians and the period's facts.
RAW_CALENDAR = """
SELECT a.id, a.kind, a.status, a.sequence, a.starts_at, a.ends_at, a.clinician_id, p.id,
       p.first_name, p.last_name, pr.name, pr.session_count
FROM scheduling_appointment a JOIN patients_patient p ON p.id = a.patient_id
LEFT JOIN scheduling_course c ON c.id = a.course_id
LEFT JOIN protocols_protocol pr ON pr.id = c.protocol_id
WHERE a.practice_id = %(practice)s {clinician} AND a.starts_at < %(until)s
  AND a.ends_at > %(since)s AND a.starts_at >= %(since)s - interval '12 hours'
ORDER BY a.starts_at, a.id
"""
RAW_CALENDAR_FACTS = [
    """SELECT id, first_name, last_name FROM mesoplan_user WHERE practice_id = %(practice)s
       AND role = 'clinician' AND is_active ORDER BY last_name, first_name, username""",
    "SELECT weekday, opens, closes FROM scheduling_openinghours WHERE practice_id = %(practice)s",
    """SELECT day, reason FROM scheduling_closure WHERE practice_id = %(practice)s
       AND day BETWEEN %(first)s AND %(last)s""",
    "SELECT clinician_id, weekday, starts, ends FROM scheduling_workinghours",
]
# Every session that received the lot, with the patient's contact, the performer, the
# regions and volume from the lot (of the current version if it has the lot, else the
# newest that has) and the lot's adverse events: one row per session, as the CSV has.
RAW_RECALL = """
SELECT p.id, p.last_name, p.first_name, p.date_of_birth, p.phone, p.email, r.id,
       r.appointment_id, coalesce(am.performed_at, r.performed_at), u.first_name,
       u.last_name, x.regions, x.volume, x.version = coalesce(am.version, 1), ev.events
FROM clinical_sessions_sessionrecord r
JOIN patients_patient p ON p.id = r.patient_id
JOIN mesoplan_user u ON u.id = r.performed_by_id
LEFT JOIN LATERAL (SELECT version, performed_at FROM clinical_sessions_sessionamendment
  WHERE session_record_id = r.id ORDER BY version DESC LIMIT 1) am ON true
JOIN LATERAL (SELECT ps.version, array_agg(ps.region ORDER BY ps.position) AS regions,
  sum(ps.volume_ml) AS volume FROM clinical_sessions_pass ps
  WHERE ps.session_record_id = r.id AND ps.lot_id = %(lot)s GROUP BY ps.version
  ORDER BY ps.version = coalesce(am.version, 1) DESC, ps.version DESC LIMIT 1) x ON true
LEFT JOIN LATERAL (SELECT string_agg(e.type || ' ' || e.severity, '; ' ORDER BY e.onset_at)
  AS events FROM clinical_sessions_adverseevent e
  JOIN clinical_sessions_adverseeventlot el ON el.event_id = e.id AND el.lot_id = %(lot)s
  WHERE e.session_record_id = r.id) ev ON true
WHERE r.practice_id = %(practice)s
  AND r.id IN (SELECT session_record_id FROM clinical_sessions_pass WHERE lot_id = %(lot)s)
ORDER BY r.performed_at DESC, r.id DESC
"""
RAW_RECALL_AUDIT = """INSERT INTO mesoplan_auditentry (at, actor_id, actor_name, practice_id,
action, object_type, object_id, summary, details) VALUES (now(), %(actor)s, 'x',
%(practice)s, 'lot.recall_export', 'productlot', %(lot)s, 'Lot: n sessions exported', '{}')"""
RAW_API_APPOINTMENTS = """
SELECT id, patient_id, clinician_id, course_id, kind, sequence, starts_at, ends_at, status,
       updated_at FROM scheduling_appointment WHERE practice_id = %(practice)s
ORDER BY starts_at, id LIMIT 51
"""
RAW_PATIENT = [
    "SELECT * FROM patients_patient WHERE id = %(patient)s",
    """SELECT DISTINCT ON (indication) s.*, k.id FROM patients_screening s
       LEFT JOIN patients_screeningacknowledgement k ON k.screening_id = s.id
       WHERE s.patient_id = %(patient)s ORDER BY indication, created_at DESC, s.id DESC""",
    """SELECT c.*, pr.code, pr.name, pr.session_count FROM scheduling_course c
       JOIN protocols_protocol pr ON pr.id = c.protocol_id WHERE c.patient_id = %(patient)s
       ORDER BY c.created_at DESC""",
]


def _run_raw(statements, params) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
            if cursor.description:
                cursor.fetchall()


def _page(client, url: str, status: int = 200) -> tuple[int, float, bytes]:
    client.get(url)  # warm: the first request of a session renews it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
    assert response.status_code == status, (url, response.status_code, body[:500])
    return len(ctx), timed_ms(lambda: _consume(client.get(url))), body


def _consume(response) -> None:
    if response.streaming:
        for _ in response:
            pass


def timed_ms(fn) -> float:
    samples = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


def _first_byte_ms(client, url: str) -> float:
    def first():
        response = client.get(url)
        if response.streaming:
            next(iter(response.streaming_content))
            response.close()

    return timed_ms(first)


@dataclass
class Site:
    """A practice the pages are measured in, with its users signed in."""

    practice: Practice
    clinicians: list  # the calendar's, in its order; the first is "me"
    manager: User
    recall_lot_id: str
    clinician: Client = field(init=False)
    manager_client: Client = field(init=False)
    api: APIClient = field(init=False)

    def __post_init__(self) -> None:
        self.clinician, self.manager_client = Client(), Client()
        self.clinician.force_login(self.me)
        self.manager_client.force_login(self.manager)
        self.api = token_client(self.me)

    @property
    def me(self) -> User:
        return self.clinicians[0]


def _network_site(slug: str, scale: float) -> Site:
    """A practice with scale_data's clinicians and `scale` times its history."""
    practice = PracticeFactory(name=f"Network practice {slug}", slug=slug)
    clinicians = sorted(
        (ClinicianFactory(practice=practice) for _ in range(scale_data.CLINICIANS)),
        key=lambda c: (c.last_name, c.first_name, c.username),
    )
    manager = ManagerFactory(practice=practice)
    began = time.perf_counter()
    data = scale_data.build(practice, clinicians, scale=scale)
    print(
        f"{slug} generated in {time.perf_counter() - began:.0f} s: "
        + ", ".join(f"{n:,} {t.split('_', 1)[1]}" for t, n in data.counts.items())
    )
    lot(practice, clinicians[0], "L-100", expires_in_days=5000)  # the record bench's lot
    return Site(practice, clinicians, manager, data.recall_lot_id)


def _new_site() -> Site:
    """A practice just set up: one clinician, a manager, a lot on the shelf, nothing
    else (its pages cost what a request costs: session, user, middleware, template)."""
    practice = PracticeFactory(name="New practice", slug="new-practice")
    clinician = ClinicianFactory(practice=practice)
    recall_lot = lot(practice, clinician, "L-100", expires_in_days=5000)
    return Site(practice, [clinician], ManagerFactory(practice=practice), str(recall_lot.pk))


class Table:
    """A row per page: its queries and median ms in the full practice, at a tenth of the
    history and in a new practice, and the full practice's raw SQL and ratio."""

    def __init__(self) -> None:
        print(
            f"{'page':<44}{'queries':>9}{'ms':>9}{'1/10 ms':>9}{'new ms':>8}"
            f"{'raw SQL ms':>12}{'ratio':>7}"
        )

    def row(self, name: str, measured, raw_ms: float, note: str = "") -> None:
        """`measured`: (queries, ms) in the full practice, at a tenth, in the new one; a
        query count that differs between them shows as full/tenth/new."""
        (queries, ms), (_, tenth_ms), (_, new_ms) = measured
        counts = {q for q, _ in measured}
        shown = str(queries) if len(counts) == 1 else "/".join(str(q) for q, _ in measured)
        print(
            f"{name:<44}{shown:>9}{ms:>9.1f}{tenth_ms:>9.1f}{new_ms:>8.1f}"
            f"{raw_ms:>12.1f}{ms / raw_ms:>7.2f}" + (f"  {note}" if note else "")
        )


def run(timed) -> None:
    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://...)")
        return
    from django.conf import settings

    settings.BOOKING_HORIZON_DAYS = 100_000  # the record's patient's courses are years apart
    full = _network_site("network-practice", 1)
    sites = (full, _network_site("network-tenth", 0.1), _new_site())
    practice, me = full.practice, full.me
    zone = practice_zone(practice)
    now = timezone.now()
    today = now.astimezone(zone).date()
    midnight = datetime.combine(today, clock.min, tzinfo=zone)
    base = {"practice": str(practice.pk), "actor": str(me.pk)}
    table = Table()

    def pages(url, client: str = "clinician") -> list[tuple[int, float]]:
        """(queries, ms) of `url` at each site, as `client` of the site."""
        return [_page(getattr(site, client), url)[:2] for site in sites]

    # Clinician's home: the day, the queues, the records opened last.
    measured = pages("/")
    params = {
        **base,
        "since": midnight,
        "until": midnight + timedelta(days=2),
        "recent_since": now - timedelta(days=90),
    }
    with connection.cursor() as cursor:
        cursor.execute(RAW_AGENDA, params)
        params["patients"] = list({row[6] for row in cursor.fetchall()})
    limited = [
        RAW_OPEN_EVENTS + " LIMIT 15",
        f"SELECT count(*) FROM ({RAW_OPEN_EVENTS}) q",
        RAW_LATEST_OF_OUTCOME.format(unacknowledged=UNACKNOWLEDGED) + " LIMIT 15",
        "SELECT count(*) FROM ("
        + RAW_LATEST_OF_OUTCOME.format(unacknowledged=UNACKNOWLEDGED)
        + ") q",
        RAW_LATEST_OF_OUTCOME.format(unacknowledged="") + " LIMIT 15",
        "SELECT count(*) FROM (" + RAW_LATEST_OF_OUTCOME.format(unacknowledged="") + ") q",
        RAW_RECENT,
        RAW_AGENDA,
        RAW_HERPES,
    ]
    home = [
        (sql, {**params, "outcome": "deferred" if i in (4, 5) else "caution"})
        for i, sql in enumerate(limited)
    ]
    raw = timed_ms(lambda: [_run_raw([sql], p) for sql, p in home])
    table.row("clinician home (work queues)", measured, raw)

    # Manager's home.
    measured = pages("/", "manager_client")
    monday = midnight - timedelta(days=today.weekday())
    params = {**base, "week_starts": monday, "outcome": "caution"}
    raw = timed_ms(lambda: _run_raw(RAW_MANAGER, params))
    table.row("manager home", measured, raw)

    # The lot list.
    measured = pages("/lots/")
    raw = timed_ms(lambda: _run_raw([RAW_LOTS.format(sessions=LOT_SESSIONS_KEPT)], base))
    table.row("lot list /lots/", measured, raw)

    table.row(
        "book a course into a busy calendar (API)",
        [measure_booking(site.practice, site.me) for site in sites],
        raw_booking(practice, me),
    )

    # The practice's day (every clinician) and the clinician's week.
    measured = pages(f"/calendar/day/?date={today.isoformat()}", "manager_client")
    params = {
        **base,
        "since": midnight,
        "until": midnight + timedelta(days=1),
        "first": today,
        "last": today,
    }
    raw = timed_ms(
        lambda: _run_raw([RAW_CALENDAR.format(clinician=""), *RAW_CALENDAR_FACTS], params)
    )
    table.row(f"practice day view, {len(full.clinicians)} clinicians", measured, raw)
    monday_date = today - timedelta(days=today.weekday())
    year, week, _ = monday_date.isocalendar()
    measured = pages(f"/calendar/?week={year}-W{week:02d}")
    params = {
        **base,
        "since": monday,
        "until": monday + timedelta(days=7),
        "first": monday_date,
        "last": monday_date + timedelta(days=6),
    }
    raw = timed_ms(
        lambda: _run_raw(
            [RAW_CALENDAR.format(clinician="AND a.clinician_id = %(actor)s"), *RAW_CALENDAR_FACTS],
            params,
        )
    )
    table.row("week view", measured, raw)

    # The lot recall as CSV.
    recalls = [(site, f"/lots/{site.recall_lot_id}/recipients.csv") for site in sites]
    measured = [_page(site.clinician, url) for site, url in recalls]
    body = measured[0][2]
    rows = body.count(b"\n") - 1
    first_byte = _first_byte_ms(full.clinician, recalls[0][1])
    params = {**base, "lot": full.recall_lot_id}
    raw = timed_ms(lambda: _run_raw([RAW_RECALL, RAW_RECALL_AUDIT], params))
    table.row(
        f"lot recall CSV, {rows:,} rows",
        [(queries, ms) for queries, ms, _ in measured],
        raw,
        f"{len(body) / 1e6:.1f} MB, first byte after {first_byte:.0f} ms",
    )

    # The patient record; in the new practice, of a patient just registered.
    patients = [record_patient(site.practice) for site in sites[:2]]
    patients.append(PatientFactory(practice=sites[2].practice))
    measured = [
        _page(site.clinician, f"/patients/{patient.pk}/")[:2]
        for site, patient in zip(sites, patients, strict=True)
    ]
    params = {"patient": str(patients[0].pk), "practice": str(practice.pk)}
    timeline = RAW_TIMELINE.replace("%s", "%(practice)s", 1).replace("%s", "%(patient)s", 1)
    raw = timed_ms(lambda: _run_raw([*RAW_PATIENT, timeline], params))
    table.row("patient record, 3 courses, 24 sessions", measured, raw)

    measured = [_page(site.api, "/api/v1/appointments/?page_size=50")[:2] for site in sites]
    raw = timed_ms(lambda: _run_raw([RAW_API_APPOINTMENTS], base))
    table.row("API appointments, one page of 50", measured, raw, "(within 5x)")

    recorded = [
        measure_recording(site.practice, ClinicianFactory(practice=site.practice)) for site in sites
    ]
    table.row("recording 8 passes", [(q, ms) for q, ms, _ in recorded], recorded[0][2])


RAW_LOCKS = """SELECT u.id, p.id FROM mesoplan_user u, patients_patient p
WHERE u.id = %s AND p.id = %s FOR UPDATE"""
RAW_ACTIVE = """SELECT 1 FROM scheduling_course WHERE patient_id = %s AND indication = 'skin'
AND status = 'active' LIMIT 1"""
RAW_OVERLAP = """SELECT 1 FROM scheduling_appointment WHERE (clinician_id = %s OR patient_id = %s)
AND starts_at < %s AND ends_at > %s AND starts_at >= %s::timestamptz - interval '12 hours'
AND status <> 'cancelled' LIMIT 1"""
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


def _next_weekday(moment: datetime, days: int) -> datetime:
    moment += timedelta(days=days)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


def _screened_patients(practice, clinician, count: int) -> list:
    """(patient, screening) pairs ready to book a skin course."""
    from patients import services

    pairs = []
    for _ in range(count):
        patient = PatientFactory(practice=practice)
        screening = services.create_screening(
            actor=clinician,
            patient=patient,
            indication="skin",
            informed_consent=True,
            expectations_acknowledged=True,
        )
        pairs.append((patient, screening))
    return pairs


def _first_free(practice) -> datetime:
    """16:20 today at the practice: a network clinician's days are free from then on."""
    zone = practice_zone(practice)
    return datetime.combine(timezone.localdate(timezone.now(), zone), clock(16, 20), tzinfo=zone)


def _booking_rounds() -> int:
    return max(REPEAT, 5)


def measure_booking(practice, clinician) -> tuple[int, float]:
    """(queries, median ms) of courses booked through the API into the clinician's
    calendar (in a network practice full until 16:20 every day), each from another
    weekday."""
    first = _first_free(practice)
    api = token_client(clinician)
    samples, queries = [], 0
    for index, (patient, _) in enumerate(
        _screened_patients(practice, clinician, _booking_rounds())
    ):
        start = _next_weekday(first, 3 + index)
        body = {
            "patient": str(patient.pk),
            "protocol": "mesolift",
            "clinician": str(clinician.pk),
            "start": start.isoformat(),
            "initial_interval_days": 7,
        }
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = api.post("/api/v1/courses/", body, format="json")
            samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 201, response.content
        queries = len(ctx)
    samples.sort()
    return queries, samples[len(samples) // 2]


def raw_booking(practice, clinician) -> float:
    """Median ms of writing the rows a booking writes after 8 bounded overlap selects, in
    the days measure_booking booked (its courses stay)."""
    from protocols.models import Protocol

    protocol = Protocol.objects.get(code="mesolift")
    first = _first_free(practice)
    raw = []
    for index, (patient, screening) in enumerate(
        _screened_patients(practice, clinician, _booking_rounds())
    ):
        # 18:30, after the day's bookings: the same index ranges.
        start = _next_weekday(first, 3 + index) + timedelta(hours=2, minutes=10)
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            course_id = uuid.uuid4()
            slots = [
                (start + timedelta(days=7 * k), start + timedelta(days=7 * k, minutes=45))
                for k in range(8)
            ]
            cursor.execute(RAW_LOCKS, [clinician.pk, patient.pk])
            cursor.execute(RAW_ACTIVE, [patient.pk])
            cursor.fetchall()
            for slot_start, slot_end in slots:
                cursor.execute(
                    RAW_OVERLAP, [clinician.pk, patient.pk, slot_end, slot_start, slot_start]
                )
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
            transaction.set_rollback(True)  # the slots stay free for the next round
        raw.append((time.perf_counter() - began) * 1000)
    raw.sort()
    return raw[len(raw) // 2]


def record_patient(practice):
    """A patient with 3 courses of 8 recorded sessions, booked and recorded through the
    services by a clinician of their own (the big calendar stays as it is)."""
    from scheduling import selectors
    from scheduling.models import Course
    from sessions import recording

    own = ClinicianFactory(practice=practice)
    patient = PatientFactory(practice=practice)
    _courses(own, patient, 3)
    ids = Course.objects.filter(patient=patient).values_list("appointments__pk", flat=True)
    for appointment in (
        selectors.appointments_for(own).filter(pk__in=list(ids)).order_by("starts_at")
    ):
        recording.record_session(
            actor=own,
            appointment=appointment,
            answers=fine_check(),
            passes=_eight_passes(),
            performed_at=_performed_on_its_day(appointment),
        )
    return patient
