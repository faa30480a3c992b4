"""The figures beyond satisfaction (DOMAIN.md, "Reports: the statistics, exactly"): the
course's outcome curves by session number, completion and drop-out, and the safety signal
by lot. Each is a GROUP BY in the database over the practices in the report's scope."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Avg, Count, F, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from lots.models import ProductLot
from outcomes.models import OutcomeMeasure
from reports.wilson import share, wilson
from scheduling.models import Course
from sessions.models import AdverseEventLot, SessionRecord

DROP_OUT_DAYS = 90
COURSE_SESSIONS = 8


def _measures(practice_ids, protocol: str | None):
    measures = OutcomeMeasure.objects.filter(
        session_record__practice_id__in=practice_ids,
        session_record__course__isnull=False,
        session_record__appointment__course=F("session_record__course"),
    )
    if protocol:
        measures = measures.filter(session_record__course__protocol__code=protocol)
    return measures.order_by()


def outcome_curves(practice_ids, protocol: str | None = None) -> dict[str, Any]:
    """GAIS improved (1-3) share, hair density's mean change from the course's first
    measure, and the patient's own 0-10 rating, by protocol and session number."""
    measures = _measures(practice_ids, protocol)
    keys = {
        "protocol": F("session_record__course__protocol__code"),
        "session": F("session_record__appointment__sequence"),
    }
    gais = (
        measures.filter(gais__isnull=False)
        .values(**keys)
        .annotate(measured=Count("id"), improved=Count("id", filter=Q(gais__lte=3)))
        .order_by("protocol", "session")
    )
    first_density = (
        OutcomeMeasure.objects.filter(
            session_record__course=OuterRef("session_record__course"),
            hair_density_per_cm2__isnull=False,
        )
        .order_by("session_record__performed_at", "recorded_at")
        .values("hair_density_per_cm2")[:1]
    )
    density = (
        measures.filter(hair_density_per_cm2__isnull=False)
        .annotate(first=Subquery(first_density))
        .values(**keys)
        .annotate(
            courses=Count("session_record__course", distinct=True),
            change=Avg(F("hair_density_per_cm2") - F("first")),
        )
        .order_by("protocol", "session")
    )
    rating = (
        measures.filter(patient_rating__isnull=False)
        .values(**keys)
        .annotate(n=Count("id"), mean=Avg("patient_rating"))
        .order_by("protocol", "session")
    )
    return {
        "gais_improved": _by_protocol(
            {
                "session": g["session"],
                "measured": g["measured"],
                "improved": g["improved"],
                "share": share(g["improved"], g["measured"]),
                "ci95": _rounded(wilson(g["improved"], g["measured"])),
            }
            | {"protocol": g["protocol"]}
            for g in gais
        ),
        "hair_density_change": _by_protocol(
            {
                "protocol": g["protocol"],
                "session": g["session"],
                "courses": g["courses"],
                "mean_change_per_cm2": round(float(g["change"]), 1)
                if g["change"] is not None
                else None,
            }
            for g in density
        ),
        "patient_rating": _by_protocol(
            {
                "protocol": g["protocol"],
                "session": g["session"],
                "n": g["n"],
                "mean": round(float(g["mean"]), 2),
            }
            for g in rating
        ),
    }


def _by_protocol(points) -> dict[str, list[dict[str, Any]]]:
    curves: dict[str, list[dict[str, Any]]] = {}
    for point in points:
        curves.setdefault(point.pop("protocol"), []).append(point)
    return curves


def _rounded(interval):
    return None if interval is None else [round(interval[0], 4), round(interval[1], 4)]


def completion(practice_ids, as_of: datetime, protocol: str | None = None) -> dict[str, Any]:
    """Courses by the number of sessions recorded (0..8), the share that reached session
    8, and drop-outs: no session recorded for 90 days before reaching 8.

    One statement: the sessions counted per course in one GROUP BY, joined to the
    courses and grouped again by protocol and count (a correlated count per course read
    the session table a million times at a network's size: bench_reports)."""
    courses = Course.objects.filter(patient__practice_id__in=practice_ids).exclude(
        status=Course.Status.CANCELLED
    )
    if protocol:
        courses = courses.filter(protocol__code=protocol)
    course_sql, course_params = (
        courses.order_by().values("id", "created_at", code=F("protocol__code")).query
    ).sql_with_params()
    per_course_sql, per_course_params = (
        SessionRecord.objects.filter(practice_id__in=practice_ids)
        .order_by()
        .values("course_id")
        .annotate(n=Count("id"), last=Max("performed_at"))
        .query
    ).sql_with_params()
    cutoff = connection.ops.adapt_datetimefield_value(as_of - timedelta(days=DROP_OUT_DAYS))
    done = "COALESCE(s.n, 0)"
    sql = f"""
        SELECT c.code, CASE WHEN {done} > %s THEN %s ELSE {done} END AS sessions,
               COUNT(*),
               SUM(CASE WHEN COALESCE(s.last, c.created_at) < %s AND {done} < %s
                        THEN 1 ELSE 0 END)
        FROM ({course_sql}) c LEFT JOIN ({per_course_sql}) s ON s.course_id = c.id
        GROUP BY c.code, sessions ORDER BY c.code, sessions"""
    with connection.cursor() as cursor:
        cursor.execute(  # the parameters in the text's order: the SELECT's, then the FROM's
            sql,
            [
                COURSE_SESSIONS,
                COURSE_SESSIONS,
                cutoff,
                COURSE_SESSIONS,
                *course_params,
                *per_course_params,
            ],
        )
        grouped = cursor.fetchall()
    result: dict[str, dict[str, Any]] = {}
    for code, sessions, count, dropped in grouped:
        entry = result.setdefault(
            code,
            {
                "courses": 0,
                "by_sessions": dict.fromkeys(map(str, range(COURSE_SESSIONS + 1)), 0),
                "reached_8": 0,
                "dropped_out": 0,
            },
        )
        entry["courses"] += count
        entry["by_sessions"][str(sessions)] += count
        entry["dropped_out"] += int(dropped or 0)
        if sessions == COURSE_SESSIONS:
            entry["reached_8"] += count
    for entry in result.values():
        entry["share_reached_8"] = share(entry["reached_8"], entry["courses"])
        entry["ci95_reached_8"] = _rounded(wilson(entry["reached_8"], entry["courses"]))
        entry["share_dropped_out"] = share(entry["dropped_out"], entry["courses"])
    return result


def per_thousand(events: int, sessions: int) -> float | None:
    """
    >>> per_thousand(3, 1500), per_thousand(0, 0)
    (2.0, None)
    """
    return round(1000 * events / sessions, 2) if sessions else None


def lot_safety(practice_ids) -> dict[str, Any]:
    """Adverse events per 1,000 recorded sessions per formulation and per lot. A lot is
    flagged when the lower bound of its rate's Wilson interval lies above its
    formulation's overall rate (the rule is in the result, for the page to show)."""
    formulations = {
        f["formulation__code"]: f
        for f in SessionRecord.objects.filter(practice_id__in=practice_ids)
        .order_by()
        .values("formulation__code")
        .annotate(
            sessions=Count("id", distinct=True),
            events=Count("adverse_events", distinct=True),
        )
    }
    by_formulation = {
        code: {
            "sessions": f["sessions"],
            "events": f["events"],
            "per_1000": per_thousand(f["events"], f["sessions"]),
        }
        for code, f in sorted(formulations.items())
    }
    events_per_lot = (
        AdverseEventLot.objects.filter(lot=OuterRef("pk"))
        .order_by()
        .values("lot")
        .annotate(n=Count("event", distinct=True))
        .values("n")
    )
    lots = (
        ProductLot.objects.filter(practice_id__in=practice_ids, session_count__gt=0)
        .annotate(events=Coalesce(Subquery(events_per_lot), 0))
        .values("id", "lot_number", "formulation__code", "session_count", "events")
        .order_by("formulation__code", "lot_number")
    )
    rows = []
    for lot in lots:
        overall = by_formulation.get(lot["formulation__code"], {}).get("per_1000")
        interval = wilson(lot["events"], lot["session_count"])
        low, high = (1000 * interval[0], 1000 * interval[1]) if interval else (None, None)
        rows.append(
            {
                "lot": str(lot["id"]),
                "lot_number": lot["lot_number"],
                "formulation": lot["formulation__code"],
                "sessions": lot["session_count"],
                "events": lot["events"],
                "per_1000": per_thousand(lot["events"], lot["session_count"]),
                "ci95_per_1000": None
                if low is None or high is None
                else [round(low, 2), round(high, 2)],
                "formulation_per_1000": overall,
                "flagged": low is not None and overall is not None and low > overall,
            }
        )
    return {
        "rule": "A lot is flagged when the lower bound of the 95% Wilson interval of its "
        "rate (events over the sessions that used it) is above its formulation's overall rate.",
        "by_formulation": by_formulation,
        "lots": rows,
    }
