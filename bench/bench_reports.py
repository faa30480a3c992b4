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

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.clients import token_client
from bench.report_scale_data import CLINICIANS, PRACTICES, RECORDED, load

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
# The filtered report: the manager's practice, one quarter, one protocol.
QUARTER = {"from": "2024-01-01", "to": "2024-03-31", "protocol": "mesolift"}

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
