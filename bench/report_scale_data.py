"""The Meso-Report bench's data set, generated in SQL (bench.bench_reports measures it):
50 practices of 4 clinicians, their patients, 1,000,000 courses (BENCH_REPORTS_COURSES for
a trial) with 8 appointments each, the surveyed-course rollup, and recorded sessions in
BENCH_REPORTS_RECORDED practices. Triggers, foreign keys, plain indexes and the
exclusion constraints are off for the load and restored (and re-checked) after it."""

from __future__ import annotations

import os
import time
from datetime import date

from django.db import connection

RECORDED = int(os.environ.get("BENCH_REPORTS_RECORDED", "1"))

PRACTICES = 50
CLINICIANS = 4  # per practice
# BENCH_REPORTS_COURSES shrinks the data set for a trial run (the table says its size).
COURSES = int(os.environ.get("BENCH_REPORTS_COURSES", "1000000"))
SURVEYED_ROWS = COURSES
# Each patient has 4 courses, years apart (at least BATCH courses apart: never two at once).
PATIENTS_PER_CLINICIAN = min(1_250, COURSES // (PRACTICES * CLINICIANS))
BATCH = 140  # a clinician's courses running side by side: 14 slots a day over 10 workdays
SLOTS_PER_DAY = 14  # 40 minutes each from 08:00, 35 booked
FIRST_MONDAY = date(2015, 1, 5)


# A course c: practice c % 50, then the practice's courses dealt round its 4 clinicians;
# course m of a clinician runs in batch m / 140 at position m % 140, session k at the
# clinician's slot batch * 1120 + (k - 1) * 140 + position (a workday has 14 slots; so
# one clinician never has two at once, and sessions are two weeks apart). Its patient is
# the clinician's (m % 1250)th: a patient's courses are 1250 courses, ~9 batches, apart.
COURSES_SQL = """
CREATE TEMPORARY TABLE rb_course AS
SELECT c, pi, n, clinician, practice, zone, lift, s, batch, pos,
       CASE WHEN lift THEN %(mesolift)s::uuid ELSE %(mesohair)s::uuid END AS protocol_id,
       CASE WHEN lift THEN 'mesolift' ELSE 'mesohair' END AS code,
       CASE WHEN lift THEN 'skin' ELSE 'hair' END AS indication,
       CASE WHEN lift THEN (ARRAY['elastosis','enlarged_pores','pale_complexion',
                                  'facial_redness','age_spots','prevention'])[1 + (h.t %% 6)::int]
            ELSE (ARRAY['regrowth','stabilise'])[1 + (h.t %% 2)::int] END AS target,
       h.surveyed, h.rating_h, h.survey_delay
FROM generate_series(0, %(courses)s - 1) AS c,
LATERAL (SELECT c %% %(practices)s AS pi, c / %(practices)s AS j) a,
LATERAL (SELECT j %% %(clinicians)s AS ci, j / %(clinicians)s AS m) b,
LATERAL (SELECT pi * %(per_practice)s + ci * %(per_clinician)s + m %% %(per_clinician)s AS n,
                (%(clinician_ids)s::uuid[])[1 + pi * %(clinicians)s + ci] AS clinician,
                (%(practice_ids)s::uuid[])[1 + pi] AS practice,
                (%(zones)s::text[])[1 + pi] AS zone,
                m / %(batch)s AS batch, m %% %(batch)s AS pos) d,
LATERAL (SELECT abs(hashint8extended(d.n, 2)) %% 100 < 62 AS lift,
                abs(hashint8extended(c, 3)) %% 100 AS sh,
                abs(hashint8extended(c, 4)) %% 100 AS rating_h,
                abs(hashint8extended(c, 5)) %% 100 < 96 AS surveyed,
                abs(hashint8extended(c, 6)) %% 28 AS survey_delay,
                abs(hashint8extended(c, 7)) %% 1000 AS t) h,
LATERAL (SELECT CASE WHEN h.sh < 82 THEN 8 ELSE h.sh %% 8 END AS s) e;
ALTER TABLE rb_course ADD PRIMARY KEY (c);

CREATE TEMPORARY TABLE rb_slot AS
SELECT rc.c, k, md5(%(key)s || 'a' || rc.c || '-' || k)::uuid AS appointment_id,
       starts_at, starts_at + interval '35 minutes' AS ends_at
FROM rb_course rc, generate_series(1, 8) AS k,
LATERAL (SELECT rc.batch * 8 * %(batch)s + (k - 1) * %(batch)s + rc.pos AS t) t,
LATERAL (SELECT t.t / %(slots)s AS w) w,
LATERAL (SELECT ((%(first_monday)s::date + (w.w / 5) * 7 + w.w %% 5)::timestamp
                 + time '08:00' + (t.t %% %(slots)s) * interval '40 minutes')
                AT TIME ZONE rc.zone AS starts_at) st;
ALTER TABLE rb_slot ADD PRIMARY KEY (c, k);
"""
PATIENTS_SQL = """
INSERT INTO patients_patient (id, practice_id, first_name, last_name, date_of_birth, sex,
                              email, phone, created_by_id, created_at, updated_at)
SELECT md5(%(key)s || 'p' || n)::uuid, (%(practice_ids)s::uuid[])[1 + n / %(per_practice)s],
       (ARRAY['Anna','Marie','Sophie','Laura','Julia','Lea','Hannah','Lena','Mia','Emma',
              'Clara','Greta','Paula','Ida','Nora','Lukas','Jonas','Felix','Paul','Elias'])
              [1 + n %% 20],
       (ARRAY['Brandt','Keller','Vogt','Lorenz','Seidel','Kuehn','Engel','Pohl','Busch',
              'Horn','Sommer','Fuchs','Graf','Arnold','Roth','Frank','Haas','Jung','Berger',
              'Schmidt','Weber','Wagner','Becker','Hoffmann','Koch','Richter','Klein','Wolf',
              'Neumann','Schwarz'])[1 + (n / 20) %% 30],
       -- Born 1946 to 1996, most around 1971 (the sum of two even spreads).
       date '1946-01-01' + (abs(hashint8extended(n, 8)) %% 9300)::int
                         + (abs(hashint8extended(n, 9)) %% 9300)::int,
       CASE WHEN abs(hashint8extended(n, 10)) %% 100 < 86 THEN 'female'
            WHEN abs(hashint8extended(n, 10)) %% 100 < 98 THEN 'male' ELSE 'other' END,
       'patient' || n || '@example.org', '+4930' || lpad(n::text, 7, '0'),
       NULL, timestamptz '2014-12-01', timestamptz '2014-12-01'
FROM generate_series(0, %(patients)s - 1) AS n;

-- One screening per patient, of the indication of the patient's courses.
INSERT INTO patients_screening (id, patient_id, indication, conditions, allergies,
    therapy_goal, informed_consent, expectations_acknowledged, findings, outcome,
    rule_set_version, created_by_id, created_at)
SELECT md5(%(key)s || 's' || n)::uuid, md5(%(key)s || 'p' || n)::uuid,
       CASE WHEN abs(hashint8extended(n, 2)) %% 100 < 62 THEN 'skin' ELSE 'hair' END,
       '[]', '[]', '', true, true, '[]', 'eligible', '2015.01-1',
       (%(clinician_ids)s::uuid[])[1 + (n / %(per_clinician)s)], timestamptz '2014-12-15'
FROM generate_series(0, %(patients)s - 1) AS n;
"""
# A course stopped early (s < 8) was ended at its first cancelled session; the rest of its
# appointments are cancelled.
COURSE_ROWS_SQL = """
INSERT INTO scheduling_course (id, patient_id, protocol_id, indication, clinician_id,
    screening_id, initial_interval_days, targets, combinations, status, ended_reason,
    ended_at, created_by_id, created_at, updated_at)
SELECT md5(%(key)s || 'c' || rc.c)::uuid, md5(%(key)s || 'p' || rc.n)::uuid, rc.protocol_id,
       rc.indication, rc.clinician, md5(%(key)s || 's' || rc.n)::uuid, 14,
       jsonb_build_array(rc.target), '[]',
       CASE WHEN rc.s = 8 THEN 'completed' ELSE 'ended' END,
       CASE WHEN rc.s = 8 THEN '' ELSE 'The patient stopped the course' END,
       CASE WHEN rc.s = 8 THEN NULL ELSE stop.starts_at END,
       rc.clinician, first.starts_at - interval '14 days', last.starts_at
FROM rb_course rc
JOIN rb_slot first ON first.c = rc.c AND first.k = 1
JOIN rb_slot last ON last.c = rc.c AND last.k = 8
LEFT JOIN rb_slot stop ON stop.c = rc.c AND stop.k = rc.s + 1;
"""
APPOINTMENTS_SQL = """
INSERT INTO scheduling_appointment (id, practice_id, patient_id, clinician_id, course_id,
    kind, sequence, starts_at, ends_at, status, cancellation_reason, cancellation_note,
    version, created_at, updated_at)
SELECT sl.appointment_id, rc.practice, md5(%(key)s || 'p' || rc.n)::uuid, rc.clinician,
       md5(%(key)s || 'c' || rc.c)::uuid, 'course', sl.k, sl.starts_at, sl.ends_at,
       CASE WHEN sl.k <= rc.s THEN 'completed' ELSE 'cancelled' END,
       CASE WHEN sl.k <= rc.s THEN '' ELSE 'patient_request' END, '', 1,
       sl.starts_at - interval '30 days', sl.starts_at
FROM rb_course rc JOIN rb_slot sl ON sl.c = rc.c
ORDER BY rc.clinician, sl.starts_at;
"""
# The rollup, as reports.rollup.row_for writes it: the survey a few days after the last
# planned session, the age band on that day. Then the recreated answers of neither
# formulation, to make the million.
ROLLUP_SQL = """
INSERT INTO reports_surveyedcourse (course_id, practice_id, network_id, protocol, target,
    sex, age_band, sessions_completed, surveyed_on, rating, synthetic)
SELECT md5(%(key)s || 'c' || rc.c)::uuid, rc.practice, %(network)s, rc.code, rc.target,
       p.sex,
       CASE WHEN age < 30 THEN '18-29' WHEN age < 40 THEN '30-39' WHEN age < 50 THEN '40-49'
            WHEN age < 60 THEN '50-59' ELSE '60+' END,
       rc.s, surveyed_on,
       CASE WHEN rc.rating_h < CASE WHEN rc.s = 8 THEN 6 ELSE 30 END THEN 'less_satisfied'
            WHEN rc.rating_h < CASE WHEN rc.s = 8 THEN 40 ELSE 70 END THEN 'satisfied'
            ELSE 'very_satisfied' END,
       false
FROM rb_course rc
JOIN rb_slot last ON last.c = rc.c AND last.k = 8
JOIN patients_patient p ON p.id = md5(%(key)s || 'p' || rc.n)::uuid,
LATERAL (SELECT (last.starts_at AT TIME ZONE rc.zone)::date + rc.survey_delay::int
                AS surveyed_on) d,
LATERAL (SELECT date_part('year', age(d.surveyed_on, p.date_of_birth)) AS age) g
WHERE rc.surveyed;

INSERT INTO reports_surveyedcourse (course_id, practice_id, network_id, protocol, target,
    sex, age_band, sessions_completed, surveyed_on, rating, synthetic)
SELECT NULL, (%(practice_ids)s::uuid[])[1 + (i %% %(practices)s)::int], %(network)s, 'other', '',
       CASE WHEN i %% 10 < 9 THEN 'female' ELSE 'male' END,
       (ARRAY['18-29','30-39','40-49','50-59','60+'])[1 + (abs(hashint8extended(i, 11)) %% 5)::int],
       CASE WHEN i %% 5 = 0 THEN i %% 8 ELSE 8 END,
       %(first_monday)s::date + (abs(hashint8extended(i, 12)) %% 4000)::int,
       CASE WHEN abs(hashint8extended(i, 13)) %% 100 < 10 THEN 'less_satisfied'
            WHEN abs(hashint8extended(i, 13)) %% 100 < 45 THEN 'satisfied'
            ELSE 'very_satisfied' END,
       true
FROM generate_series(1, %(rows)s - (SELECT count(*) FROM reports_surveyedcourse)) AS i;
"""
# The recorded sessions of the first RECORDED practices' courses: check, record, and one
# outcome measure (GAIS and the patient's 0-10 for mesolift, density for mesohair).
SESSIONS_SQL = """
CREATE TEMPORARY TABLE rb_session AS
SELECT rc.c, sl.k, sl.appointment_id, sl.starts_at, rc.practice, rc.clinician, rc.lift,
       md5(%(key)s || 'p' || rc.n)::uuid AS patient_id,
       md5(%(key)s || 'c' || rc.c)::uuid AS course_id,
       md5(%(key)s || 'k' || rc.c || '-' || sl.k)::uuid AS check_id,
       md5(%(key)s || 'r' || rc.c || '-' || sl.k)::uuid AS record_id,
       abs(hashint8extended(rc.c * 8 + sl.k, 14)) %% 1000 AS h
FROM rb_course rc JOIN rb_slot sl ON sl.c = rc.c
WHERE rc.pi < %(recorded)s AND sl.k <= rc.s;

INSERT INTO clinical_sessions_presessioncheck (id, practice_id, appointment_id, patient_id,
    conditions, new_allergies, herpes_prophylaxis_given, caution_acknowledgement, findings,
    outcome, rule_set_version, created_by_id, created_at)
SELECT check_id, practice, appointment_id, patient_id, '[]', '[]', NULL, '', '[]',
       'eligible', '2015.01-1', clinician, starts_at
FROM rb_session;

INSERT INTO clinical_sessions_sessionrecord (id, practice_id, appointment_id, patient_id,
    course_id, formulation_id, pre_check_id, performed_at, planned_starts_at,
    performed_by_id, notes, created_by_id, created_at)
SELECT record_id, practice, appointment_id, patient_id, course_id,
       CASE WHEN lift THEN %(lift_formulation)s::uuid ELSE %(hair_formulation)s::uuid END,
       check_id, starts_at + interval '2 minutes', NULL, clinician, '', clinician, starts_at
FROM rb_session;

INSERT INTO outcomes_outcomemeasure (id, session_record_id, gais, hair_density_per_cm2,
    patient_rating, recorded_at, recorded_by_id)
SELECT md5(%(key)s || 'o' || c || '-' || k)::uuid, record_id,
       CASE WHEN lift THEN greatest(1, least(5, 4 - k / 3 + (h %% 3) - 1)) END,
       CASE WHEN NOT lift THEN 120 + k * 6 + h %% 40 END,
       least(10, 4 + k / 2 + h %% 4),
       starts_at + interval '40 minutes', clinician
FROM rb_session;
DROP TABLE rb_session;
"""
LOADED = (
    "patients_patient",
    "patients_screening",
    "scheduling_course",
    "scheduling_appointment",
    "reports_surveyedcourse",
    "clinical_sessions_presessioncheck",
    "clinical_sessions_sessionrecord",
    "outcomes_outcomemeasure",
)
# Foreign keys are not checked during the load: count what would have failed.
ORPHANS_SQL = """
SELECT (SELECT count(*) FROM scheduling_appointment a
        WHERE NOT EXISTS (SELECT 1 FROM scheduling_course c WHERE c.id = a.course_id)
           OR NOT EXISTS (SELECT 1 FROM patients_patient p WHERE p.id = a.patient_id))
     + (SELECT count(*) FROM scheduling_course c
        WHERE NOT EXISTS (SELECT 1 FROM patients_screening s WHERE s.id = c.screening_id
                          AND s.patient_id = c.patient_id))
     + (SELECT count(*) FROM reports_surveyedcourse r WHERE r.course_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM scheduling_course c WHERE c.id = r.course_id))
     + (SELECT count(*) FROM clinical_sessions_sessionrecord s
        WHERE NOT EXISTS (SELECT 1 FROM scheduling_appointment a WHERE a.id = s.appointment_id
                          AND a.course_id = s.course_id AND a.status = 'completed'))
"""


def _indexes_to_rebuild(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's indexes that no constraint owns: dropped for the
    load and built again after it (a sorted build beats 8 M inserts into each)."""
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           WHERE x.indrelid = %s::regclass
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)""",
        [table],
    )
    return cursor.fetchall()


def _exclusions(cursor, table: str) -> list[tuple[str, str]]:
    """(name, definition) of the table's exclusion constraints: a GiST index each,
    dropped for the load and added again after it (which checks every row anew)."""
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = %s::regclass AND contype = 'x'""",
        [table],
    )
    return cursor.fetchall()


def _run(cursor, sql: str, params: dict) -> None:
    for statement in (s.strip() for s in sql.split(";\n")):
        if statement:
            cursor.execute(statement, params)


def load(network, practices, clinicians) -> dict:
    """Generates the data set in SQL; returns the rows added per table and the seconds."""
    from protocols.models import Formulation, Protocol

    params = {
        "key": "rb",
        "network": str(network.pk),
        "practices": PRACTICES,
        "clinicians": CLINICIANS,
        "per_clinician": PATIENTS_PER_CLINICIAN,
        "per_practice": PATIENTS_PER_CLINICIAN * CLINICIANS,
        "patients": PATIENTS_PER_CLINICIAN * CLINICIANS * PRACTICES,
        "courses": COURSES,
        "rows": SURVEYED_ROWS,
        "batch": BATCH,
        "slots": SLOTS_PER_DAY,
        "first_monday": FIRST_MONDAY,
        "recorded": RECORDED,
        "practice_ids": [str(p.pk) for p in practices],
        "zones": [p.time_zone for p in practices],
        "clinician_ids": [str(c.pk) for c in clinicians],
        "mesolift": str(Protocol.objects.get(code="mesolift").pk),
        "mesohair": str(Protocol.objects.get(code="mesohair").pk),
        "lift_formulation": str(Formulation.objects.get(code="mesolift").pk),
        "hair_formulation": str(Formulation.objects.get(code="mesohair").pk),
    }
    steps = {}
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '64MB'")
        dropped = {table: _indexes_to_rebuild(cursor, table) for table in LOADED}
        excluded = {table: _exclusions(cursor, table) for table in LOADED}
        for indexes in dropped.values():
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        for table, constraints in excluded.items():
            for name, _ in constraints:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        # No user trigger (the change feed's, the rollup's session count) and no
        # foreign-key check for this session's writes until it is set back.
        cursor.execute("SET session_replication_role = replica")
        try:
            for name, sql in (
                ("plan", COURSES_SQL),
                ("patients", PATIENTS_SQL),
                ("courses", COURSE_ROWS_SQL),
                ("appointments", APPOINTMENTS_SQL),
                ("rollup", ROLLUP_SQL),
                ("sessions", SESSIONS_SQL),
            ):
                step = time.perf_counter()
                _run(cursor, sql, params)
                steps[name] = time.perf_counter() - step
        finally:
            cursor.execute("SET session_replication_role = origin")
            step = time.perf_counter()
            for indexes in dropped.values():
                for _, definition in indexes:
                    cursor.execute(definition)
            steps["indexes"] = time.perf_counter() - step
            step = time.perf_counter()
            for table, constraints in excluded.items():
                for name, definition in constraints:
                    cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            steps["exclusion constraints"] = time.perf_counter() - step
            cursor.execute("DROP TABLE IF EXISTS rb_slot, rb_course")
        step = time.perf_counter()
        cursor.execute(ORPHANS_SQL)
        orphans = cursor.fetchone()[0]
        steps["orphan check"] = time.perf_counter() - step
        step = time.perf_counter()
        for table in LOADED:
            cursor.execute(f"VACUUM ANALYZE {table}")
        steps["vacuum analyze"] = time.perf_counter() - step
        counts = {}
        for table in LOADED:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET work_mem")
    assert orphans == 0, f"{orphans} rows reference nothing"
    return {"counts": counts, "seconds": time.perf_counter() - began, "steps": steps}
