"""Patient lists at a clinic network's size (PostgreSQL, 100,000 patients, 200,000
screenings in one practice): page 1, a deep page and searches, against raw SQL.

For each page it prints the queries the request runs, the request's median time, the
median database time of exactly those queries (re-run as captured: all of them, and the
page's own without the token and practice look-ups every request makes), the median
time of the hand-written SQL the page needs (the rows, and their latest screenings), and
the ratio of the page's queries to that raw SQL. Run: `DATABASE_URL=postgres://... make bench BENCH=bench_lists_at_scale`.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.clients import token_client
from mesoplan.keyset import encode_cursor, ordering_of
from patients.models import Patient
from tests.factories import ClinicianFactory, PracticeFactory

PATIENTS = 100_000
PAGE = 50

GENERATE = """
INSERT INTO patients_patient (id, practice_id, first_name, last_name, date_of_birth, sex,
                              email, phone, created_by_id, created_at, updated_at)
SELECT md5('p' || i)::uuid, %(practice)s,
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
       %(clinician)s, now(), now()
FROM generate_series(1, %(n)s) AS i;

INSERT INTO patients_screening (id, patient_id, indication, conditions, allergies,
    therapy_goal, informed_consent, expectations_acknowledged, findings, outcome,
    rule_set_version, created_by_id, created_at)
SELECT md5('s' || i || ind)::uuid, md5('p' || i)::uuid, ind, '[]', '[]', '', i %% 7 <> 0,
       true, '[]',
       (ARRAY['eligible','caution','deferred','excluded'])[1 + (i + length(ind)) %% 4],
       '2026.11-2', %(clinician)s, now() - (i || ' minutes')::interval
FROM generate_series(1, %(n)s) AS i, unnest(ARRAY['skin', 'hair']) AS ind;
"""
# As autovacuum would after a bulk load: statistics, and the GIN indexes' pending lists
# merged (a search would otherwise scan them linearly). VACUUM runs one table at a time.
SETTLE = ["VACUUM ANALYZE patients_patient", "VACUUM ANALYZE patients_screening"]

RAW_ROWS = """
SELECT id, first_name, last_name, date_of_birth, sex, email, phone, created_at, updated_at
FROM patients_patient WHERE practice_id = %s {where}
ORDER BY last_name, first_name, date_of_birth, id LIMIT {limit}
"""
RAW_LATEST = """
SELECT DISTINCT ON (patient_id, indication) id, patient_id, indication, outcome,
       informed_consent, expectations_acknowledged, prognosis_explained
FROM patients_screening WHERE patient_id = ANY(%s)
ORDER BY patient_id, indication, created_at DESC, id DESC
"""
SIGN_IN_QUERIES = (
    'SELECT "mesoplan_apitoken"',
    'UPDATE "mesoplan_apitoken"',
    'SELECT "mesoplan_practice"',
)
SEARCH = (
    "AND (UPPER(first_name::text) LIKE UPPER(%s) OR UPPER(last_name::text) LIKE UPPER(%s)"
    " OR UPPER(email::text) LIKE UPPER(%s) OR phone::text LIKE %s)"
)


def _raw_page(practice_id, where: str = "", params: tuple = ()) -> None:
    with connection.cursor() as cursor:
        sql = RAW_ROWS.format(where=where, limit=PAGE + 1)
        cursor.execute(sql, (str(practice_id), *params))
        ids = [row[0] for row in cursor.fetchall()][:PAGE]
        cursor.execute(RAW_LATEST, (ids,))
        cursor.fetchall()


def _replay(queries: list[dict]) -> None:
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query["sql"])
            if cursor.description:
                cursor.fetchall()


def run(timed) -> None:
    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://...)")
        return
    practice = PracticeFactory(name="Scale practice", slug="scale")
    me = ClinicianFactory(practice=practice)
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE, {"practice": str(practice.pk), "clinician": str(me.pk), "n": PATIENTS}
        )
        for statement in SETTLE:
            cursor.execute(statement)
    client = token_client(me)
    ordering = ordering_of(Patient.objects.all())
    deep_row = Patient.objects.filter(practice=practice).order_by(*ordering)[PATIENTS - 2 * PAGE]
    deep_cursor = encode_cursor(deep_row, ordering)
    values = [getattr(deep_row, f.lstrip("-")) for f in ordering]
    deep_where = (
        "AND (last_name, first_name, date_of_birth, id) > (%s, %s, %s, %s::uuid)",
        (values[0], values[1], values[2], str(values[3])),
    )

    def search(term: str) -> tuple[str, tuple]:
        like = f"%{term}%"
        return SEARCH, (like, like, like, like)

    cases = [
        ("page 1", "", ("", ())),
        (f"deep page (row {PATIENTS - 2 * PAGE:,})", f"cursor={deep_cursor}", deep_where),
        ("search name 'lena'", "q=lena", search("lena")),
        ("search phone '4567'", "q=4567", search("4567")),
        ("search, no match", "q=qxzv", search("qxzv")),
    ]
    print(f"{PATIENTS:,} patients, {2 * PATIENTS:,} screenings, page of {PAGE}")
    print(
        f"{'GET /api/v1/patients/':<30}{'queries':>8}{'request ms':>12}{'all db ms':>10}"
        f"{'page db ms':>11}{'raw SQL ms':>11}{'page/raw':>9}"
    )
    for name, query, (where, params) in cases:
        url = f"/api/v1/patients/?page_size={PAGE}" + (f"&{query}" if query else "")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, response.content
        captured = list(ctx.captured_queries)
        # The page's own queries; the token and practice look-ups are every request's.
        page_queries = [q for q in captured if not q["sql"].startswith(SIGN_IN_QUERIES)]
        request_ms = timed(lambda url=url: client.get(url))
        all_ms = timed(lambda captured=captured: _replay(captured))
        db_ms = timed(lambda page_queries=page_queries: _replay(page_queries))
        raw_ms = timed(lambda where=where, params=params: _raw_page(practice.pk, where, params))
        print(
            f"{name:<30}{len(captured):>8}{request_ms:>12.2f}{all_ms:>10.2f}"
            f"{db_ms:>11.2f}{raw_ms:>11.2f}{db_ms / raw_ms:>9.2f}"
        )
