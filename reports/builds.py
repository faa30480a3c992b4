"""Asking for a report and building it (API.md, "Reports").

`request_report` answers at once: a pending build, or the one already pending for the
same request and scope (a partial unique index holds it, so two parallel requests cannot
both start one). The worker's `build` is atomic and idempotent:
- a short transaction marks the build running (who is on it, which attempt);
- the result is computed and stored in one transaction, on one snapshot of the data
  (REPEATABLE READ on PostgreSQL), under the build's row lock: a worker killed half way
  leaves the build as it was, and the redelivered task builds it again; a second worker
  running the same task waits for the lock, then finds it done and does nothing;
- an error marks it failed with the reason. Done and failed builds never change again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from mesoplan import audit
from mesoplan.celery import enqueue_on_commit
from mesoplan.fault_points import pause
from mesoplan.models import Practice
from mesoplan.roles import Role, is_practice_manager
from mesoplan.tenancy import Scope, scope_of
from reports import activity, clinical_figures, satisfaction
from reports.models import Report, ReportStatus, SurveyedCourse
from reports.parameters import clean, request_key

log = logging.getLogger(__name__)


def may_request(actor) -> bool:
    """Practice managers (their practice) and network admins (their network)."""
    return is_practice_manager(actor) or (
        getattr(actor, "role", None) == Role.NETWORK_ADMIN and actor.network_id is not None
    )


def reports_for(actor):
    """The builds the actor may read: their practice's, or their network's own."""
    scope = scope_of(actor)
    if not may_request(actor):
        return Report.objects.none()
    if scope.is_practice:
        return Report.objects.filter(practice_id=scope.practice_id)  # type: ignore[misc]
    return Report.objects.filter(network_id=scope.network_id, practice__isnull=True)  # type: ignore[misc]


def _network_of(actor, scope: Scope):
    if scope.is_practice:
        return Practice.objects.values_list("network_id", flat=True).get(pk=scope.practice_id)  # type: ignore[misc]
    return scope.network_id


def request_report(actor, data: Any) -> tuple[Report, bool]:
    """(the build, whether it is new). PermissionDenied for anyone but a manager or a
    network admin; InvalidInput naming each bad field."""
    from django.core.exceptions import PermissionDenied

    if not may_request(actor):
        raise PermissionDenied("Only a practice manager or a network admin may ask for a report.")
    scope = scope_of(actor)
    network_id = _network_of(actor, scope)
    parameters = clean(scope, network_id, data)
    kind = parameters.pop("kind")
    key = request_key(scope, {"kind": kind, **parameters})
    with transaction.atomic():
        pending = _pending(key)
        if pending is not None:
            return pending, False
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    kind=kind,
                    practice_id=scope.practice_id,
                    network_id=network_id,
                    parameters=parameters,
                    request_key=key,
                    requested_by=actor,
                )
        except IntegrityError:
            joined = _pending(key)
            if joined is None:  # finished in between: ask again
                raise
            return joined, False
        audit.record(actor, "report.request", report, summary=f"{kind} requested")
        _enqueue(report.pk)
    return report, True


def _pending(key: str) -> Report | None:
    return Report.objects.filter(
        request_key=key, status__in=[ReportStatus.PENDING, ReportStatus.RUNNING]
    ).first()


def _enqueue(report_id) -> None:
    """On commit, through the outbox: a build asked for while the broker is down is
    sent when it is back (mesoplan/outbox/), to the `reports` queue by its route."""
    from reports.tasks import build_report

    enqueue_on_commit(build_report, str(report_id))


def build(report_id: str) -> str:
    """Build the report if it is not finished; returns its status afterwards."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.is_finished:
            return report.status if report else "missing"
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.RUNNING, started_at=timezone.now(), attempts=report.attempts + 1
        )
    try:
        return _build_result(report_id)
    except Exception as exc:  # a failed build says why (and stays failed)
        log.exception("report %s failed", report_id)
        with transaction.atomic():
            Report.objects.filter(
                pk=report_id, status__in=[ReportStatus.PENDING, ReportStatus.RUNNING]
            ).update(
                status=ReportStatus.FAILED,
                error=f"{type(exc).__name__}: {exc}"[:2000],
                built_at=timezone.now(),
            )
        return ReportStatus.FAILED


def _build_result(report_id: str) -> str:
    outermost = not connection.in_atomic_block  # a test's transaction already took its snapshot
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every figure: they add up with each other.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.is_finished:
            return report.status
        started = time.perf_counter()
        as_of = timezone.now()
        result = compute(report, as_of)
        _test_delay()
        Report.objects.filter(pk=report.pk).update(
            status=ReportStatus.DONE,
            result=result,
            data_as_of=as_of,
            built_at=timezone.now(),
            build_ms=round(1000 * (time.perf_counter() - started)),
        )
    return ReportStatus.DONE


# Test-only: a worker started with this many seconds in the environment sleeps that long
# inside the build's transaction, after computing and before storing, so a test can kill
# it mid-build (tests/reports/test_worker.py). Honoured only with DEBUG on, never in
# production.
BUILD_DELAY_ENV = "MESOPLAN_REPORT_BUILD_DELAY_S"


def _test_delay() -> None:
    pause(BUILD_DELAY_ENV)


def surveyed_rows(report: Report):
    """The rollup rows the report counts: its scope, then each filter."""
    p = report.parameters
    rows = SurveyedCourse.objects.filter(network_id=report.network_id)
    if report.practice_id:
        rows = rows.filter(practice_id=report.practice_id)
    if p.get("practice"):
        rows = rows.filter(practice_id=p["practice"])
    if p.get("from"):
        rows = rows.filter(surveyed_on__gte=p["from"])
    if p.get("to"):
        rows = rows.filter(surveyed_on__lte=p["to"])
    for field in ("protocol", "target", "sex", "age_band"):
        if p.get(field):
            rows = rows.filter(**{field: p[field]})
    if p.get("min_sessions"):
        rows = rows.filter(sessions_completed__gte=p["min_sessions"])
    if p.get("lot"):
        from sessions.models import Pass

        used = Pass.objects.filter(lot_id=p["lot"]).values("session_record__course_id")
        rows = rows.filter(course_id__in=used)
    return rows


def practices_of(report: Report) -> list[tuple[Any, str]]:
    practices = Practice.objects.filter(network_id=report.network_id)
    if report.practice_id:
        practices = practices.filter(pk=report.practice_id)
    if report.parameters.get("practice"):
        practices = practices.filter(pk=report.parameters["practice"])
    return list(practices.order_by("name", "id").values_list("id", "name"))


def compute(report: Report, as_of) -> dict[str, Any]:
    rows = surveyed_rows(report)
    groups = satisfaction.grouped(rows)  # the one pass over the rollup
    protocols = satisfaction.protocols_of(groups)
    practices = practices_of(report)
    practice_ids = [pk for pk, _ in practices]
    protocol = report.parameters.get("protocol")
    result: dict[str, Any] = {
        "patients": sum(figures["patients"] for figures in protocols.values()),
        "synthetic": rows.filter(synthetic=True).exists(),
        "by_protocol": protocols,
        "trend": satisfaction.quarters_of(groups),
        "outcomes": clinical_figures.outcome_curves(practice_ids, protocol),
        "completion": clinical_figures.completion(practice_ids, as_of, protocol),
    }
    result["activity"] = activity.activity(practice_ids, *_day_and_zone(report, as_of))
    if report.practice_id:
        result["lot_safety"] = clinical_figures.lot_safety(practice_ids)
    else:
        codes = sorted(protocols)
        result["by_practice"] = satisfaction.practices_of(groups, practices, codes)
        safe, trend, total_hidden = satisfaction.network_safe(protocols, result["trend"])
        result["by_protocol"], result["trend"] = safe, trend
        if total_hidden:
            result["patients"] = None
    return result


def _day_and_zone(report: Report, as_of):
    """The practice's own calendar for its report; UTC for the network's (its practices
    may keep different zones)."""
    import zoneinfo

    zone = zoneinfo.ZoneInfo("UTC")
    if report.practice_id:
        zone = zoneinfo.ZoneInfo(
            Practice.objects.values_list("time_zone", flat=True).get(pk=report.practice_id)
        )
    return as_of.astimezone(zone).date(), zone
