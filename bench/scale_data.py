"""A clinic network's practice, generated in SQL (PostgreSQL): 20 clinicians, 100,000
patients with 220,000 screenings (a quarter caution, most of them acknowledged), about
400,000 appointments over two years (a year and a half past, half a year ahead, every
clinician's day full from 07:00), about 190,000 recorded sessions with 1.1 M passes from
24 lots (one of them received by about 10,000 sessions), amendments, adverse events with
follow-ups, and the audit of opened records. A few minutes on a laptop.

`build` takes a practice and its clinicians made by the factories (so that their
passwords and tokens work) and fills the rest; `scale` shrinks the history (patients,
days of appointments and what hangs off them, opened records) but not the clinicians or
their full days, so a page showing a day or a week shows as much at any scale.
`bench.bench_clinic_network` measures the pages over it. Rows are keyed by md5 of the
practice's slug and their number, so a run is repeatable and practices built side by
side keep apart.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone

PATIENTS = 100_000
OPENED_RECORDS = 100_000
CLINICIANS = 20
PAST_DAYS = 548
AHEAD_DAYS = 182
SLOTS_PER_DAY = 28  # 20 minutes each from 07:00: the day is full until 16:20
SLOT_MINUTES = 20
LOTS = 24  # lots 0-19 are used, 20-23 are on the shelf
RECALL_LOT = 0

PATIENTS_SQL = """
INSERT INTO patients_patient (id, practice_id, first_name, last_name, date_of_birth, sex,
                              email, phone, created_by_id, created_at, updated_at)
SELECT md5(%(key)s || 'np' || i)::uuid, %(practice)s,
       (ARRAY['Anna','Marie','Sophie','Laura','Julia','Lea','Hannah','Lena','Mia','Emma',
              'Clara','Greta','Paula','Ida','Nora','Lukas','Jonas','Felix','Paul','Elias'])
              [1 + i %% 20],
       (ARRAY['Brandt','Keller','Vogt','Lorenz','Seidel','Kuehn','Engel','Pohl','Busch',
              'Horn','Sommer','Fuchs','Graf','Arnold','Roth','Frank','Haas','Jung','Berger',
              'Schmidt','Weber','Wagner','Becker','Hoffmann','Koch','Richter','Klein','Wolf',
              'Neumann','Schwarz','Zimmermann','Braun','Krueger','Hofmann','Hartmann',
              'Lange','Schmitt','Werner','Krause','Meier'])[1 + (i / 20) %% 40],
       date '1940-01-01' + (i %% 25000),
       CASE WHEN i %% 10 = 0 THEN 'male' ELSE 'female' END,
       'patient' || i || '@example.org', '+4930' || lpad(i::text, 7, '0'),
       %(clinician)s, %(now)s - interval '600 days', %(now)s - interval '600 days'
FROM generate_series(1, %(patients)s) AS i
"""
# Every patient's latest skin and hair screening (outcomes in turn: a quarter caution);
# every fifth patient also has an older skin screening it superseded, a caution.
SCREENINGS_SQL = """
INSERT INTO patients_screening (id, patient_id, indication, conditions, allergies,
    therapy_goal, informed_consent, expectations_acknowledged, findings, outcome,
    rule_set_version, created_by_id, created_at)
SELECT md5(%(key)s || 'ns' || i || ind)::uuid, md5(%(key)s || 'np' || i)::uuid, ind,
       CASE WHEN i %% 50 = 0 THEN '["herpes"]'::jsonb ELSE '[]'::jsonb END, '[]', '', true,
       true, '[]',
       (ARRAY['eligible','caution','deferred','eligible'])[1 + (i + length(ind)) %% 4],
       '2026.11-2', %(clinician)s, %(now)s - ((i * 7) %% 500 || ' days')::interval
                                    - (i %% 1440 || ' minutes')::interval
FROM generate_series(1, %(patients)s) AS i, unnest(ARRAY['skin', 'hair']) AS ind;

INSERT INTO patients_screening (id, patient_id, indication, conditions, allergies,
    therapy_goal, informed_consent, expectations_acknowledged, findings, outcome,
    rule_set_version, created_by_id, created_at)
SELECT md5(%(key)s || 'no' || i)::uuid, md5(%(key)s || 'np' || i)::uuid, 'skin', '[]', '[]', '', true, true, '[]',
       'caution', '2026.11-1', %(clinician)s, %(now)s - interval '580 days'
FROM generate_series(5, %(patients)s, 5) AS i;

INSERT INTO patients_screeningacknowledgement (id, screening_id, reason, at, by_id)
SELECT md5('nk' || s.id)::uuid, s.id, 'Discussed with the patient', s.created_at, %(clinician)s
FROM patients_screening s JOIN patients_patient p ON p.id = s.patient_id
WHERE p.practice_id = %(practice)s AND s.outcome = 'caution' AND get_byte(decode(md5(s.id::text), 'hex'), 0) %% 5 <> 0
"""
# Slot t of clinician c: day t / 28 from the first, 07:00 + 20 minutes * (t % 28), local
# time. Patient (20 t + c) % 100,000 + 1: 20 patients at a time, each in one place.
APPOINTMENTS_SQL = """
INSERT INTO scheduling_appointment (id, practice_id, patient_id, clinician_id, course_id,
    kind, sequence, starts_at, ends_at, status, cancellation_reason, cancellation_note,
    created_at, updated_at)
SELECT md5(%(key)s || 'na' || n)::uuid, %(practice)s,
       md5(%(key)s || 'np' || (1 + n %% %(patients)s))::uuid,
       (%(clinicians)s::uuid[])[1 + c], NULL,
       CASE WHEN n %% 3 = 0 THEN 'consultation' ELSE 'maintenance' END, NULL,
       starts_at, starts_at + interval '%(slot)s minutes',
       CASE WHEN starts_at >= %(now)s THEN 'scheduled'
            WHEN n %% 29 = 0 THEN 'cancelled'
            WHEN n %% 31 = 0 THEN 'no_show'
            ELSE 'completed' END, '', '',
       starts_at - interval '30 days', starts_at
FROM generate_series(0, %(days)s * %(slots)s - 1) AS t,
     generate_series(0, %(clinician_count)s - 1) AS c,
     LATERAL (SELECT t * %(clinician_count)s + c AS n,
                     ((%(first_day)s::date + t / %(slots)s)::timestamp + time '07:00'
                      + (t %% %(slots)s) * interval '%(slot)s minutes')
                     AT TIME ZONE %(zone)s AS starts_at) AS slot
"""
LOTS_SQL = """
INSERT INTO lots_productlot (id, practice_id, formulation_id, lot_number, number_key,
    expires_on, session_count, created_by_id, created_at)
SELECT md5(%(key)s || 'nl' || k)::uuid, %(practice)s, %(formulation)s, 'NET-' || lpad(k::text, 4, '0'),
       'net-' || lpad(k::text, 4, '0'), %(today)s::date + (k * 20 - 100), 0,
       %(clinician)s, %(now)s - ((%(lots)s - k) * 20 || ' days')::interval
FROM generate_series(0, %(lots)s - 1) AS k
"""
# A session on every completed maintenance appointment: its check, the record, and 4-7
# passes from one lot (by the appointment's hash: lot 0 gets one in twenty).
SESSIONS_SQL = """
CREATE TEMPORARY TABLE scale_sessions AS
SELECT a.id AS appointment_id, a.patient_id, a.clinician_id, a.starts_at,
       md5('nc' || a.id)::uuid AS check_id, md5('nr' || a.id)::uuid AS record_id,
       get_byte(decode(md5(a.id::text), 'hex'), 1) AS h
FROM scheduling_appointment a
WHERE a.practice_id = %(practice)s AND a.kind = 'maintenance' AND a.status = 'completed';

INSERT INTO clinical_sessions_presessioncheck (id, practice_id, appointment_id, patient_id,
    conditions, new_allergies, herpes_prophylaxis_given, caution_acknowledgement, findings,
    outcome, rule_set_version, created_by_id, created_at)
SELECT check_id, %(practice)s, appointment_id, patient_id, '[]', '[]', NULL, '', '[]',
       'eligible', '2026.11-2', clinician_id, starts_at
FROM scale_sessions;

INSERT INTO clinical_sessions_sessionrecord (id, practice_id, appointment_id, patient_id,
    course_id, formulation_id, pre_check_id, performed_at, planned_starts_at,
    performed_by_id, notes, created_by_id, created_at)
SELECT record_id, %(practice)s, appointment_id, patient_id, NULL, %(formulation)s, check_id,
       starts_at + interval '2 minutes', NULL, clinician_id, '', clinician_id, starts_at
FROM scale_sessions;

INSERT INTO clinical_sessions_pass (id, session_record_id, version, position, technique,
    region, depth_mm, spacing_mm, points, volume_ml, lot_id)
SELECT md5('np' || s.record_id || p)::uuid, s.record_id, 1, p,
       CASE WHEN p %% 2 = 1 THEN 'single_pulse' ELSE 'nappage' END,
       (ARRAY['forehead','glabella','cheek_left','cheek_right'])[1 + (p - 1) / 2 %% 4],
       1.5, CASE WHEN p %% 2 = 1 THEN 10.0 END, CASE WHEN p %% 2 = 1 THEN 20 END, 0.3,
       md5(%(key)s || 'nl' || (s.h %% 20))::uuid
FROM scale_sessions s, generate_series(1, 4 + s.h %% 4) AS p;

-- One session in a hundred corrected: version 2 has the same passes from the next lot.
INSERT INTO clinical_sessions_sessionamendment (id, session_record_id, version, reason,
    performed_at, notes, created_by_id, created_at)
SELECT md5('nm' || record_id)::uuid, record_id, 2, 'Wrong lot entered',
       starts_at + interval '2 minutes', '', clinician_id, starts_at + interval '1 day'
FROM scale_sessions WHERE get_byte(decode(md5(record_id::text), 'hex'), 2) %% 100 = 0;

INSERT INTO clinical_sessions_pass (id, session_record_id, version, position, technique,
    region, depth_mm, spacing_mm, points, volume_ml, lot_id)
SELECT md5('nq' || p.id)::uuid, p.session_record_id, 2, p.position, p.technique, p.region,
       p.depth_mm, p.spacing_mm, p.points, p.volume_ml,
       md5(%(key)s || 'nl' || ((s.h + 1) %% 20))::uuid
FROM clinical_sessions_pass p
JOIN scale_sessions s ON s.record_id = p.session_record_id
WHERE get_byte(decode(md5(s.record_id::text), 'hex'), 2) %% 100 = 0;

-- One session in 400 had an adverse event, linked to its lot; half were followed up as
-- recovered, the rest are open.
INSERT INTO clinical_sessions_adverseevent (id, practice_id, session_record_id, patient_id,
    type, severity, onset_at, description, action_taken, outcome, recorded_by_id,
    recorded_at)
SELECT md5('ne' || record_id)::uuid, %(practice)s, record_id, patient_id, 'haematoma', 'mild',
       starts_at + interval '1 hour', 'Bruise at the injection site', 'Cooling', 'recovering',
       clinician_id, starts_at + interval '2 hours'
FROM scale_sessions WHERE get_byte(decode(md5(record_id::text), 'hex'), 3) %% 400 = 0;

INSERT INTO clinical_sessions_adverseeventlot (event_id, lot_id)
SELECT md5('ne' || record_id)::uuid, md5(%(key)s || 'nl' || (h %% 20))::uuid
FROM scale_sessions WHERE get_byte(decode(md5(record_id::text), 'hex'), 3) %% 400 = 0;

INSERT INTO clinical_sessions_adverseeventfollowup (id, event_id, outcome, note,
    recorded_at, recorded_by_id)
SELECT md5('nf' || record_id)::uuid, md5('ne' || record_id)::uuid, 'recovered', 'Gone',
       starts_at + interval '7 days', clinician_id
FROM scale_sessions WHERE get_byte(decode(md5(record_id::text), 'hex'), 3) %% 400 = 0 AND h %% 2 = 0;

DROP TABLE scale_sessions;
"""
# The clinicians' opened records: about one an hour (at full scale, over the past year).
AUDIT_SQL = """
INSERT INTO mesoplan_auditentry (at, actor_id, actor_name, practice_id, action, object_type,
    object_id, patient_id, summary, details)
SELECT %(now)s - (i || ' hours')::interval, (%(clinicians)s::uuid[])[1 + i %% %(clinician_count)s],
       'Clinician', %(practice)s, 'patient.view', 'patient',
       md5(%(key)s || 'np' || (1 + (i * 37) %% %(patients)s)),
       md5(%(key)s || 'np' || (1 + (i * 37) %% %(patients)s))::uuid,
       'Patient record opened', '{}'
FROM generate_series(1, %(opened)s) AS i
"""
TABLES = (
    "patients_patient",
    "patients_screening",
    "patients_screeningacknowledgement",
    "scheduling_appointment",
    "lots_productlot",
    "clinical_sessions_presessioncheck",
    "clinical_sessions_sessionrecord",
    "clinical_sessions_sessionamendment",
    "clinical_sessions_pass",
    "clinical_sessions_adverseevent",
    "clinical_sessions_adverseeventlot",
    "clinical_sessions_adverseeventfollowup",
    "mesoplan_auditentry",
)
# Statements a data load may leave for the data's own code to keep (e.g. a per-lot count):
# run after the rows are in, as a migration over existing rows would.
AFTER_LOAD = [
    # Each lot's session count, as lots 0006 fills it over rows already there.
    """UPDATE lots_productlot SET session_count = (
        SELECT count(DISTINCT p.session_record_id) FROM clinical_sessions_pass p
        WHERE p.lot_id = lots_productlot.id)""",
]


@dataclass(frozen=True)
class ScaleData:
    practice: object
    clinicians: list
    first_day: date
    now: datetime
    recall_lot_id: str
    counts: dict[str, int]  # the rows the build added, per table


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        found = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            found[table] = cursor.fetchone()[0]
    return found


def lot_id(practice, k: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT md5(%s)::uuid", [f"{practice.slug}nl{k}"])
        return str(cursor.fetchone()[0])


def build(practice, clinicians, *, scale: float = 1) -> ScaleData:
    """Fills `practice` (with `clinicians`, made by the factories) with a network
    practice's history, `scale` times as long; then VACUUM ANALYZE, as autovacuum would
    after a bulk load."""
    from protocols.models import Formulation

    now = timezone.now()
    zone = practice.time_zone
    today = now.astimezone(timezone.get_default_timezone()).date()
    past_days, ahead_days = round(PAST_DAYS * scale), round(AHEAD_DAYS * scale)
    first_day = today - timedelta(days=past_days)
    params = {
        "key": practice.slug,
        "practice": str(practice.pk),
        "clinician": str(clinicians[0].pk),
        "clinicians": [str(c.pk) for c in clinicians],
        "clinician_count": len(clinicians),
        "patients": round(PATIENTS * scale),
        "opened": round(OPENED_RECORDS * scale),
        "now": now,
        "today": today,
        "first_day": first_day,
        "days": past_days + ahead_days,
        "slots": SLOTS_PER_DAY,
        "slot": SLOT_MINUTES,
        "zone": zone,
        "lots": LOTS,
        "formulation": str(Formulation.objects.get(code="mesolift").pk),
    }
    before = _counts()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        for sql in (PATIENTS_SQL, SCREENINGS_SQL, APPOINTMENTS_SQL, LOTS_SQL, SESSIONS_SQL):
            cursor.execute(sql, params)
        cursor.execute(AUDIT_SQL, params)
        for sql in AFTER_LOAD:
            cursor.execute(sql)
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    added = {table: n - before[table] for table, n in _counts().items()}
    return ScaleData(
        practice, list(clinicians), first_day, now, lot_id(practice, RECALL_LOT), added
    )
