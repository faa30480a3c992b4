"""The Meso-Report on a home page: the newest finished build of the reader's scope and
the panels the home shows of it (the network admin's home: the satisfaction chart and
the practices compared; the manager's: only when and how many)."""

from __future__ import annotations

from reports import builds
from reports.dashboard import panels, protocol_names
from reports.models import ReportStatus


def latest_report_panels(user, keys: tuple[str, ...]) -> dict:
    done = builds.reports_for(user).filter(status=ReportStatus.DONE)
    report = done.select_related("requested_by").first()
    shown = []
    if report is not None and keys:
        shown = [p for p in panels(report.result, protocol_names()) if p.key in keys]
    return {"latest_report": report, "report_panels": shown}
