"""The Meso-Report at a network's size (PostgreSQL): 1,000,000 surveyed courses over 50 practices, 8,000,000 appointments.

Issue 18. One network of 50 practices (4 clinicians each), 250,000 patients with a
screening each, 1,000,000 eight-session courses and their 8,000,000 appointments from
January 2015 to January 2026, every clinician's slots sequential (no exclusion
constraint is bent), and the rollup (reports.models.SurveyedCourse): 1,000,000 rows,
about 96% of them surveyed courses and the rest recreated answers of neither
formulation ("other", no course, synthetic). Ratings lean to satisfied and very
satisfied (less so after a course stopped early), about 60% mesolift and 36% mesohair,
sessions completed 0..8 and mostly 8, sexes and age bands as a practice has them.
Recorded sessions (pre-session check, record, one outcome measure each) exist for the
first BENCH_REPORTS_RECORDED practices (1 by default, the manager's: about 150,000
sessions; 50 records every course's), so the clinical figures read real rows; at the
default the network's clinical figures read a fiftieth of a full network's sessions.
Everything is generated in SQL (INSERT ... SELECT over generate_series), the tables'
plain indexes dropped for the load and built again after it, triggers and foreign-key
checks off for the load (session_replication_role = replica: the change feed's and the
rollup's triggers would write 8 M change rows and recount every session), then orphans
counted and VACUUM ANALYZE.

It measures, each a median of BENCH_REPEAT runs (5 by default):
1. the network's report (`reports.builds.compute` of a network-scope build): the
   satisfaction figures (by protocol, by quarter, by practice) apart, the whole build;
2. a manager's report of one practice, one quarter, one protocol;
3. beside each, one hand-written GROUP BY over the same rows (count per protocol and
   rating, the same WHERE) and the ratio, and EXPLAIN (ANALYZE, BUFFERS) of every query
   the build ran: its top node, its time, the index it read;
4. the manager's dashboard page if `reports:dashboard` resolves, else the done build over
   the API (GET /api/v1/reports/<id>/), with its queries; the network admin's too.
Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/mesoplan_bench make bench BENCH=bench_reports`.
"""

from __future__ import annotations

import json
import os
import time
from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.clients import token_client

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
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

# The filtered report: the manager's practice, one quarter, one protocol.
QUARTER = {"from": "2024-01-01", "to": "2024-03-31", "protocol": "mesolift"}

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

ROLLUP_INDEXES = ("surveyed_practice_idx", "surveyed_network_practice_idx")

# --- The hand-written SQL: one GROUP BY per report over the rows it counts -------------
HAND_NETWORK = """SELECT protocol, rating, count(*) FROM reports_surveyedcourse
WHERE network_id = %(network)s GROUP BY protocol, rating"""
HAND_FILTERED = """SELECT protocol, rating, count(*) FROM reports_surveyedcourse
WHERE network_id = %(network)s AND practice_id = %(practice)s
  AND surveyed_on >= %(from)s AND surveyed_on <= %(to)s AND protocol = %(protocol)s
GROUP BY protocol, rating"""


def median_ms(fn, repeat: int = REPEAT) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return samples[len(samples) // 2]


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


class Recorder:
    """Every (sql, params) the wrapped code runs, to EXPLAIN them afterwards."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def _walk(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _walk(child)


def explain(sql: str, params) -> dict:
    """Top node, execution ms, buffers and the relations/indexes read, of one query."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
        raw = cursor.fetchone()[0]
    document = (json.loads(raw) if isinstance(raw, str) else raw)[0]
    plan = document["Plan"]
    top = plan["Node Type"]
    if plan.get("Strategy") and plan["Strategy"] != "Plain":
        top = f"{plan['Strategy']} {top}"
    if plan.get("Partial Mode") and plan["Partial Mode"] != "Simple":
        top = f"{plan['Partial Mode']} {top}"
    scans = []
    for node in _walk(plan):
        if "Index Name" in node:
            scans.append(f"{node['Node Type']} {node['Index Name']}")
        elif node["Node Type"] in ("Seq Scan", "Parallel Seq Scan"):
            scans.append(f"{node['Node Type']} {node['Relation Name']}")
    return {
        "top": top,
        "ms": document["Execution Time"],
        "rows": plan.get("Actual Rows"),
        "hit": plan.get("Shared Hit Blocks", 0),
        "read": plan.get("Shared Read Blocks", 0),
        "scans": list(dict.fromkeys(scans)),
    }


def _label(sql: str) -> str:
    """Which figure a captured query belongs to, from its tables and shape."""
    text = sql.lower()
    if "reports_surveyedcourse" in text:
        if "extract(quarter" in text or "extract('quarter'" in text:
            return "trend (by quarter)"
        if "group by" in text and "practice_id" in text.split("group by")[1]:
            return "by_practice"
        if "synthetic" in text and "limit 1" in text:
            return "synthetic exists"
        return "by_protocol"
    if "outcomes_outcomemeasure" in text:
        if "hair_density_per_cm2" in text and "count(distinct" in text:
            return "outcome: density change"
        if "patient_rating" in text and "avg" in text:
            return "outcome: patient rating"
        return "outcome: GAIS improved"
    if "scheduling_course" in text:
        return "completion"
    if "clinical_sessions_sessionrecord" in text or "lots_productlot" in text:
        return "lot safety"
    if "mesoplan_practice" in text:
        return "practices"
    return sql[:40]


def print_plans(title: str, recorded: list[tuple[str, object]]) -> None:
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of each query of the {title}:")
    print(f"  {'query':<26}{'ms':>9}{'rows':>8}{'buffers hit/read':>19}  top node; reads")
    for sql, params in recorded:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        found = explain(sql, params)
        print_plan(_label(sql), found, rollup="reports_surveyedcourse" in sql)


def print_plan(label: str, found: dict, rollup: bool) -> None:
    reads = "; ".join(found["scans"]) or "-"
    note = ""
    if rollup:
        used = [name for name in ROLLUP_INDEXES if any(name in scan for scan in found["scans"])]
        note = f"  [{', '.join(used)} used]" if used else "  [no surveyed_* index used]"
    print(
        f"  {label:<26}{found['ms']:>9.1f}{found['rows']:>8}"
        f"{found['hit']:>10}/{found['read']:<8}  {found['top']}; {reads}{note}"
    )


class Table:
    def __init__(self) -> None:
        print(f"{'measured':<58}{'queries':>8}{'ms':>10}{'hand SQL ms':>13}{'ratio':>8}")

    def row(self, name: str, queries: int, ms: float, hand_ms: float | None, note="") -> None:
        hand = f"{hand_ms:>13.1f}{ms / hand_ms:>8.2f}" if hand_ms else f"{'-':>13}{'-':>8}"
        print(f"{name:<58}{queries:>8}{ms:>10.1f}{hand}" + (f"  {note}" if note else ""))


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx)


def _hand(sql: str, params: dict):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def measure_report(table: Table, title: str, report, hand_sql: str, hand_params: dict) -> None:
    """The report's satisfaction figures, by_protocol alone, the clinical figures, the
    whole build; each against the hand-written GROUP BY."""
    from reports import builds, clinical_figures, satisfaction

    as_of = timezone.now()
    rows = builds.surveyed_rows(report)
    practices = builds.practices_of(report)
    practice_ids = [pk for pk, _ in practices]
    protocol = report.parameters.get("protocol")
    codes = sorted(satisfaction.by_protocol(rows))

    def figures():  # as compute() reads them: one GROUP BY, each figure from its groups
        groups = satisfaction.grouped(rows)
        satisfaction.protocols_of(groups)
        satisfaction.quarters_of(groups)
        if not report.practice_id:
            satisfaction.practices_of(groups, practices, codes)

    hand = _hand(hand_sql, hand_params)
    hand()  # warm
    hand_ms = median_ms(hand)
    counted = sum(n for _, _, n in hand())
    figures()
    parts = "by_protocol+trend" + ("" if report.practice_id else "+by_practice")
    table.row(
        f"{title}: satisfaction {parts}",
        _queries(figures),
        median_ms(figures),
        hand_ms,
        f"{counted:,} rows counted",
    )
    table.row(
        f"{title}: by_protocol alone",
        _queries(lambda: satisfaction.by_protocol(rows)),
        median_ms(lambda: satisfaction.by_protocol(rows)),
        hand_ms,
    )
    table.row(
        f"{title}: outcome_curves",
        _queries(lambda: clinical_figures.outcome_curves(practice_ids, protocol)),
        median_ms(lambda: clinical_figures.outcome_curves(practice_ids, protocol)),
        None,
    )
    table.row(
        f"{title}: completion",
        _queries(lambda: clinical_figures.completion(practice_ids, as_of, protocol)),
        median_ms(lambda: clinical_figures.completion(practice_ids, as_of, protocol)),
        None,
    )
    if report.practice_id:
        table.row(
            f"{title}: lot_safety",
            _queries(lambda: clinical_figures.lot_safety(practice_ids)),
            median_ms(lambda: clinical_figures.lot_safety(practice_ids)),
            None,
        )
    table.row(
        f"{title}: whole compute()",
        _queries(lambda: builds.compute(report, as_of)),
        median_ms(lambda: builds.compute(report, as_of)),
        hand_ms,
    )


def _page(client, url: str) -> tuple[int, float, int]:
    response = client.get(url)  # warm (a first request renews the session)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return len(ctx), median_ms(lambda: client.get(url)), len(response.content)


def run(timed) -> None:
    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://...)")
        return
    from mesoplan.tenancy import Scope
    from reports import builds
    from reports.models import Report, ReportKind, ReportStatus
    from reports.parameters import clean, request_key
    from tests.factories import (
        ClinicianFactory,
        ManagerFactory,
        NetworkAdminFactory,
        NetworkFactory,
        PracticeFactory,
    )

    network = NetworkFactory(name="Bench report network")
    practices = [
        PracticeFactory(network=network, name=f"Practice {i:02d}", slug=f"rb-practice-{i:02d}")
        for i in range(PRACTICES)
    ]
    clinicians = [ClinicianFactory(practice=p) for p in practices for _ in range(CLINICIANS)]
    manager = ManagerFactory(practice=practices[0])
    admin = NetworkAdminFactory(network=network)

    loaded = load(network, practices, clinicians)
    total = sum(loaded["counts"].values())
    print(
        f"generated in {loaded['seconds']:.0f} s ({total / loaded['seconds']:,.0f} rows/s): "
        + ", ".join(f"{n:,} {t.split('_', 1)[1]}" for t, n in loaded["counts"].items())
    )
    print(
        "  steps: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in loaded["steps"].items())
        + f"; sessions recorded in {RECORDED} of {PRACTICES} practices"
        + " (BENCH_REPORTS_RECORDED); foreign keys checked after: 0 orphans"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('reports_surveyedcourse')),"
            " pg_size_pretty(pg_total_relation_size('scheduling_appointment'))"
        )
        sizes = cursor.fetchone()
    print(f"  sizes with indexes: rollup {sizes[0]}, appointments {sizes[1]}")

    network_report = Report.objects.create(
        kind=ReportKind.MESO_REPORT,
        network=network,
        parameters={},
        request_key=request_key(Scope(network_id=network.pk), {"kind": "meso_report"}),
        requested_by=admin,
    )
    scope = Scope(practice_id=practices[0].pk)
    parameters = clean(scope, network.pk, {"kind": "meso_report", **QUARTER})
    parameters.pop("kind")
    filtered_report = Report.objects.create(
        kind=ReportKind.MESO_REPORT,
        practice=practices[0],
        network=network,
        parameters=parameters,
        request_key=request_key(scope, {"kind": "meso_report", **parameters}),
        requested_by=manager,
    )

    print(f"\nmedians of {REPEAT} runs")
    table = Table()
    measure_report(
        table,
        "network report (50 practices)",
        network_report,
        HAND_NETWORK,
        {"network": str(network.pk)},
    )
    measure_report(
        table,
        f"one practice, {QUARTER['from'][:7]}..{QUARTER['to'][:7]}, {QUARTER['protocol']}",
        filtered_report,
        HAND_FILTERED,
        {"network": str(network.pk), "practice": str(practices[0].pk), **QUARTER},
    )

    # The worker's builds (one each: REPEATABLE READ, stored), then the pages that read them.
    for report in (network_report, filtered_report):
        began = time.perf_counter()
        assert builds.build(str(report.pk)) == ReportStatus.DONE, report.pk
        report.refresh_from_db()
        table.row(
            f"worker build, {'network' if report.practice_id is None else 'practice'} "
            "(once, stored)",
            0,
            (time.perf_counter() - began) * 1000,
            None,
            f"build_ms {report.build_ms}, result {len(json.dumps(report.result)) / 1e3:.0f} kB",
        )
    try:
        url = reverse("reports:dashboard")
    except NoReverseMatch:
        url = None
    if url:
        manager_client = Client()
        manager_client.force_login(manager)
        queries, ms, size = _page(manager_client, url)
        table.row(f"manager's dashboard GET {url}", queries, ms, None, f"{size / 1e3:.0f} kB")
    else:
        queries, ms, size = _page(token_client(manager), f"/api/v1/reports/{filtered_report.pk}/")
        table.row(
            "manager GET /api/v1/reports/<id>/ (practice build)",
            queries,
            ms,
            None,
            f"{size / 1e3:.0f} kB; reports:dashboard does not resolve",
        )
    queries, ms, size = _page(token_client(admin), f"/api/v1/reports/{network_report.pk}/")
    table.row(
        "network admin GET /api/v1/reports/<id>/ (network build)",
        queries,
        ms,
        None,
        f"{size / 1e3:.0f} kB",
    )

    for title, report in (("network report", network_report), ("filtered report", filtered_report)):
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            builds.compute(report, timezone.now())
        print_plans(title, recorder.queries)
    for title, sql, params in (
        ("network hand SQL", HAND_NETWORK, {"network": str(network.pk)}),
        (
            "filtered hand SQL",
            HAND_FILTERED,
            {"network": str(network.pk), "practice": str(practices[0].pk), **QUARTER},
        ),
    ):
        print_plan(title, explain(sql, params), rollup=True)
