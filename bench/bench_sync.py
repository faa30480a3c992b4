"""The appointments changes feed (API.md, Sync) at 100,000 appointments of one practice
(PostgreSQL), over HTTP with a token, against reading the same rows by hand.

The practice (20 clinicians, 500 patients, 100,000 appointments, 20 minutes every half
hour from 07:00 over 250 days) is generated in SQL; the change-log triggers write a
creation for each appointment, as a bulk import would. Then, at `limit=1000`:
- the first sync (the walk by id, then the log's tail), against raw SQL reading the same
  columns by id in pages of 1000 and `json.dumps` of the API representation
  (`scheduling.representation`) and of plain dicts: total time, of which executing the
  queries (as Django's query log times them: the rows' conversion aside), items per
  second, the queries of each page (min-max), and the ratio of the feed's throughput to
  raw SQL's (the goal: at least 0.5);
- a catch-up through the log by a client that synced the practice while it was empty
  (100,000 creations in one transaction, each appointment once);
- an incremental sync after 100 appointments moved (one UPDATE).
Then EXPLAIN (ANALYZE, BUFFERS) of the walk's query at its last page and of the log's
(`scheduling.sync._latest_changes_after`) at the catch-up's first, middle and last.

The feed reads only changes below `pg_snapshot_xmin(pg_current_snapshot())`, the oldest
transaction running in the whole cluster: another process's open transaction holds new
changes back. Before each timed sync the bench waits until the bound has passed its own
writes (committed: every statement here runs in autocommit) and prints that wait apart
from the feed's time.
Run: `DATABASE_URL=postgres://... make bench BENCH=bench_sync` (BENCH_REPEAT sets the
runs per median, 3 by default; generating the data takes about a minute).
"""

import json
import os
import time
from datetime import timedelta
from types import SimpleNamespace

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.clients import token_client
from mesoplan.clock import practice_zone
from scheduling import sync
from scheduling.representation import appointment_representation
from tests.factories import ClinicianFactory, PracticeFactory

REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
URL = "/api/v1/appointments/changes/"
LIMIT = 1000
APPOINTMENTS = 100_000
PAGES = APPOINTMENTS // LIMIT
CLINICIANS = 20
PATIENTS = 500
SLOTS_PER_DAY = 20  # every half hour from 07:00, 20 minutes each: moving one 5 minutes fits
PAST_DAYS = 125
MOVED = 100
WAIT_TIMEOUT = 600.0  # seconds the bench waits for the cluster's oldest transaction

PATIENTS_SQL = """
INSERT INTO patients_patient (id, practice_id, first_name, last_name, date_of_birth, sex,
                              email, phone, created_by_id, created_at, updated_at)
SELECT md5(%(key)s || 'sp' || i)::uuid, %(practice)s,
       (ARRAY['Anna','Marie','Sophie','Laura','Julia','Lea','Hannah','Lena','Mia','Emma'])
              [1 + i %% 10],
       (ARRAY['Brandt','Keller','Vogt','Lorenz','Seidel','Kuehn','Engel','Pohl','Busch',
              'Horn'])[1 + (i / 10) %% 10],
       date '1950-01-01' + (i * 37 %% 20000),
       CASE WHEN i %% 10 = 0 THEN 'male' ELSE 'female' END,
       'sync' || i || '@example.org', '+4930' || lpad(i::text, 7, '0'),
       %(clinician)s, %(now)s, %(now)s
FROM generate_series(0, %(patients)s - 1) AS i
"""
# Slot t of clinician c: day t / 20 from the first, 07:00 + 30 minutes * (t % 20), local
# time, 20 minutes long. Patient n %% 500 with n = 20 t + c: the 20 of a slot differ, and
# slots never overlap, so neither a clinician nor a patient is in two places at once.
APPOINTMENTS_SQL = """
INSERT INTO scheduling_appointment (id, practice_id, patient_id, clinician_id, course_id,
    kind, sequence, starts_at, ends_at, status, arrived_at, cancellation_reason,
    cancellation_note, reminder_sent_at, version, created_at, updated_at)
SELECT md5(%(key)s || 'sa' || n)::uuid, %(practice)s,
       md5(%(key)s || 'sp' || (n %% %(patients)s))::uuid,
       (%(clinicians)s::uuid[])[1 + c], NULL,
       CASE WHEN n %% 3 = 0 THEN 'consultation' ELSE 'maintenance' END, NULL,
       starts_at, starts_at + interval '20 minutes',
       CASE WHEN starts_at >= %(now)s THEN 'scheduled'
            WHEN n %% 29 = 0 THEN 'cancelled'
            WHEN n %% 31 = 0 THEN 'no_show'
            ELSE 'completed' END, NULL, '', '', NULL, 1,
       starts_at - interval '30 days', starts_at - interval '30 days'
FROM generate_series(0, %(appointments)s / %(clinician_count)s - 1) AS t,
     generate_series(0, %(clinician_count)s - 1) AS c,
     LATERAL (SELECT t * %(clinician_count)s + c AS n,
                     ((%(first_day)s::date + t / %(slots)s)::timestamp + time '07:00'
                      + (t %% %(slots)s) * interval '30 minutes')
                     AT TIME ZONE %(zone)s AS starts_at) AS slot
"""
TABLES = ("patients_patient", "scheduling_appointment", "scheduling_appointmentchange")
# 100 appointments spread over the id order, each 5 minutes later: one transaction.
MOVE_SQL = """
UPDATE scheduling_appointment SET starts_at = starts_at + interval '5 minutes',
       ends_at = ends_at + interval '5 minutes'
WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS r
                             FROM scheduling_appointment WHERE practice_id = %(practice)s) q
             WHERE r %% (%(appointments)s / %(moved)s) = 0)
"""
# What the feed's pages show, read by hand: the representation's columns by id.
RAW_PAGE = """
SELECT id, patient_id, clinician_id, course_id, kind, sequence, starts_at, ends_at, status,
       arrived_at, cancellation_reason, cancellation_note, version, updated_at
FROM scheduling_appointment WHERE practice_id = %s AND id > %s ORDER BY id LIMIT %s
"""
RAW_COLUMNS = (
    "pk",
    "patient_id",
    "clinician_id",
    "course_id",
    "kind",
    "sequence",
    "starts_at",
    "ends_at",
    "status",
    "arrived_at",
    "cancellation_reason",
    "cancellation_note",
    "version",
    "updated_at",
)


def _generate(practice, clinicians) -> float:
    """The practice's patients and appointments (and, by the triggers, their creations),
    committed statement by statement; then VACUUM ANALYZE, as autovacuum would."""
    began = time.perf_counter()
    now = timezone.now()
    params = {
        "key": practice.slug,
        "practice": str(practice.pk),
        "clinician": str(clinicians[0].pk),
        "clinicians": [str(c.pk) for c in clinicians],
        "clinician_count": len(clinicians),
        "patients": PATIENTS,
        "appointments": APPOINTMENTS,
        "slots": SLOTS_PER_DAY,
        "first_day": now.date() - timedelta(days=PAST_DAYS),
        "zone": practice.time_zone,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(PATIENTS_SQL, params)
        cursor.execute(APPOINTMENTS_SQL, params)
        for table in TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("RESET synchronous_commit")
    return time.perf_counter() - began


def _scalar(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _wait_for_bound(practice) -> float:
    """Seconds until every change of `practice` written so far is below the feed's bound
    (the cluster's oldest running transaction has passed it)."""
    newest = _scalar(
        "SELECT max(xid) FROM scheduling_appointmentchange WHERE practice_id = %s",
        [str(practice.pk)],
    )
    began = time.monotonic()
    while newest is not None and sync.log_bound() <= newest:
        if time.monotonic() - began > WAIT_TIMEOUT:
            raise RuntimeError(
                f"the cluster's oldest transaction held the feed back for {WAIT_TIMEOUT:.0f} s"
            )
        time.sleep(0.1)
    return time.monotonic() - began


class Sync:
    """One sync over HTTP from `token` until `more` is false, as a mirror client runs it:
    per page the request's time (the client's JSON parse is outside it) and queries.

    The copy keeps each appointment as its JSON text: a client's copy lives in its own
    process, and 100,000 dicts held here would make every garbage collection of the
    server's side (this process) walk them (strings are not tracked by the collector)."""

    def __init__(self, api, practice, token: str | None) -> None:
        self.copy: dict[str, str] = {}
        self.page_ms: list[float] = []
        self.page_queries: list[int] = []
        self.sql_ms = 0.0  # the database's share: the queries' own time
        self.walk_pages = 0  # pages of the first sync's walk (the rest are the log's)
        self.items = 0
        self.token = token
        self.walk_sql: list[str] = []  # each walk page's query of the appointments
        self.log_sql: list[str] = []  # each log page's query of the change log
        while True:
            params = {"limit": LIMIT}
            if self.token is not None:
                params["since"] = self.token
            in_log = (
                bool(self.token) and sync.decode(practice.pk, self.token).after_appointment is None
            )
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                response = api.get(URL, params)
                content = response.content
                self.page_ms.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, content[:500]
            self.page_queries.append(len(ctx))
            self.sql_ms += sum(float(q["time"]) for q in ctx) * 1000
            if in_log:
                self.log_sql += [
                    q["sql"] for q in ctx if '"scheduling_appointmentchange"' in q["sql"]
                ]
            else:
                self.walk_pages += 1
                self.walk_sql += [q["sql"] for q in ctx if '"scheduling_appointment"' in q["sql"]]
            body = json.loads(content)
            for change in body["changes"]:
                self.items += 1
                if change.get("deleted"):
                    self.copy.pop(change["id"], None)
                else:
                    self.copy[change["id"]] = json.dumps(change, sort_keys=True)
            self.token = body["next"]
            if not body["more"]:
                break

    @property
    def ms(self) -> float:
        return sum(self.page_ms)

    def queries_shown(self, pages: slice = slice(None)) -> str:
        counts = self.page_queries[pages]
        low, high = min(counts), max(counts)
        return str(low) if low == high else f"{low}-{high}"


def _row(row: tuple) -> SimpleNamespace:
    """A raw row with the attributes `appointment_representation` reads."""
    return SimpleNamespace(**dict(zip(RAW_COLUMNS, row, strict=True)))


def _raw_sync(practice, representation: bool) -> tuple[float, float, dict[str, str]]:
    """The practice's appointments read by hand in pages of 1000 by id, each page dumped
    as JSON: (ms, of which executing the queries (their rows' conversion to Python
    aside, as in Django's query log), the rows as the API shows them by id)."""
    zone = practice_zone(practice)
    after = sync.WALK_START
    shown: dict[str, str] = {}
    sql_ms = 0.0
    began = time.perf_counter()
    with connection.cursor() as cursor:
        while True:
            asked = time.perf_counter()
            cursor.execute(RAW_PAGE, [str(practice.pk), after, LIMIT])
            sql_ms += (time.perf_counter() - asked) * 1000  # as Django times a query
            rows = cursor.fetchall()
            if not rows:
                break
            if representation:
                page = [appointment_representation(_row(row), zone) for row in rows]
            else:
                page = [dict(zip(RAW_COLUMNS, row, strict=True)) for row in rows]
            json.dumps({"changes": page, "next": "x", "more": True}, default=str)
            after = str(rows[-1][0])
            if representation:  # kept as the feed's copy is, outside the time
                paused = time.perf_counter()
                shown.update((item["id"], json.dumps(item, sort_keys=True)) for item in page)
                began += time.perf_counter() - paused
    return (time.perf_counter() - began) * 1000, sql_ms, shown


def _median(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _explain(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return [row[0] for row in cursor.fetchall()]


def _print_plan(title: str, sql: str) -> None:
    print(f"\nEXPLAIN (ANALYZE, BUFFERS) of {title}:")
    for line in _explain(sql):
        print("  " + line)


class Table:
    def __init__(self) -> None:
        print(
            f"{'sync (limit=1000)':<46}{'pages':>6}{'items':>9}{'s':>8}{'SQL s':>7}"
            f"{'items/s':>9}{'queries/page':>14}{'vs raw':>8}"
        )

    def row(self, name, pages, items, ms, sql_ms, queries, ratio=None, note="") -> None:
        shown = f"{ratio:.2f}" if ratio is not None else ""
        rate = items / ms * 1000 if ms else 0
        print(
            f"{name:<46}{pages:>6}{items:>9,}{ms / 1000:>8.2f}{sql_ms / 1000:>7.2f}{rate:>9,.0f}"
            f"{queries:>14}"
            f"{shown:>8}" + (f"  {note}" if note else "")
        )


def run(timed) -> None:
    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://...)")
        return
    practice = PracticeFactory(name="Sync practice", slug="sync-practice")
    clinicians = [ClinicianFactory(practice=practice) for _ in range(CLINICIANS)]
    api = token_client(clinicians[0])
    # A client that synced the practice while it was empty: its token is a log position
    # before every creation the generation writes.
    empty = Sync(api, practice, None)
    assert empty.items == 0
    generated = _generate(practice, clinicians)
    waits = {"first sync": _wait_for_bound(practice)}
    print(
        f"generated in {generated:.0f} s: {PATIENTS} patients, "
        f"{_scalar('SELECT count(*) FROM scheduling_appointment'):,} appointments, "
        f"{_scalar('SELECT count(*) FROM scheduling_appointmentchange'):,} change rows"
    )

    # The first sync, raw SQL reading the same, and the catch-up of a client that synced
    # the practice while it was empty (through the log), in turn: the machine is shared.
    feeds, raws, plains, catch_ups = [], [], [], []
    for _ in range(REPEAT):
        feeds.append(Sync(api, practice, None))
        raws.append(_raw_sync(practice, representation=True))
        plains.append(_raw_sync(practice, representation=False))
        catch_ups.append(Sync(api, practice, empty.token))
    first = feeds[0]
    raw_shown = raws[0][2]
    assert len(first.copy) == APPOINTMENTS, len(first.copy)
    assert first.copy == raw_shown, "the feed's copy differs from the rows read by hand"
    feed_ms = _median([f.ms for f in feeds])
    raw_ms = _median([ms for ms, _, _ in raws])
    plain_ms = _median([ms for ms, _, _ in plains])
    tail_queries = first.page_queries[first.walk_pages :]

    table = Table()
    table.row(
        "first sync: the feed over HTTP",
        len(first.page_ms),
        first.items,
        feed_ms,
        _median([f.sql_ms for f in feeds]),
        first.queries_shown(slice(first.walk_pages)),
        raw_ms / feed_ms,
        f"log tail: {len(tail_queries)} page(s), {tail_queries} queries; "
        f"page ms {min(first.page_ms):.0f}-{max(first.page_ms):.0f}",
    )
    table.row(
        "  raw SQL + appointment_representation + json",
        PAGES,
        APPOINTMENTS,
        raw_ms,
        _median([sql for _, sql, _ in raws]),
        "1",
    )
    table.row(
        "  raw SQL + plain dicts + json",
        PAGES,
        APPOINTMENTS,
        plain_ms,
        _median([sql for _, sql, _ in plains]),
        "1",
        note=f"the feed at {plain_ms / feed_ms:.2f} of this",
    )

    catch_up = catch_ups[0]
    assert catch_up.copy == raw_shown, "the catch-up's copy differs"
    catch_up_ms = _median([c.ms for c in catch_ups])
    table.row(
        "catch-up through the log (100,000 creations)",
        len(catch_up.page_ms),
        catch_up.items,
        catch_up_ms,
        _median([c.sql_ms for c in catch_ups]),
        catch_up.queries_shown(),
        raw_ms / catch_up_ms,
        f"page ms {min(catch_up.page_ms):.0f}-{max(catch_up.page_ms):.0f}",
    )

    # 100 appointments moved in one transaction, then an incremental sync.
    before = first.token
    with connection.cursor() as cursor:
        cursor.execute(
            MOVE_SQL, {"practice": str(practice.pk), "appointments": APPOINTMENTS, "moved": MOVED}
        )
        assert cursor.rowcount == MOVED, cursor.rowcount
    # Asked at once, the cluster's oldest transaction may still hold the move back.
    early = Sync(api, practice, before)
    waits["incremental sync"] = _wait_for_bound(practice)
    incrementals = [Sync(api, practice, before) for _ in range(REPEAT)]
    incremental = incrementals[0]
    assert incremental.items == MOVED, incremental.items
    table.row(
        f"incremental: {MOVED} appointments moved",
        len(incremental.page_ms),
        incremental.items,
        _median([i.ms for i in incrementals]),
        _median([i.sql_ms for i in incrementals]),
        incremental.queries_shown(),
        note=f"asked at once: {early.items} item(s)",
    )
    print(
        "waited for the cluster's oldest transaction (not in the times above): "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in waits.items())
    )
    print(f"medians of {REPEAT} runs; the feed's time is its requests', the client's parse aside")

    # The plans: the walk's last page, the catch-up's first, middle and last.
    _print_plan("the walk's last page", first.walk_sql[-1])
    log = catch_up.log_sql
    for name, sql in (("first", log[0]), ("middle", log[len(log) // 2]), ("last", log[-1])):
        _print_plan(f"the catch-up's {name} log page", sql)
    _print_plan("the incremental sync's log page", incremental.log_sql[0])
