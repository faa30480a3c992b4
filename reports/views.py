"""The Meso-Report in the browser: the dashboard (filters, the latest build, earlier
builds), one build's page, the fragment a build in progress polls until it is finished,
and each table as CSV. HTTP only: reports.builds asks and reads, reports.dashboard lays a
result out as panels."""

from __future__ import annotations

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mesoplan.errors import InvalidInput
from mesoplan.form_errors import add_service_errors
from reports import builds
from reports.dashboard import flagged_lots, panels, protocol_names
from reports.forms import ReportFilterForm
from reports.models import Report
from reports.tables import all_tables

EARLIER_BUILDS = 10
POLL_SECONDS = 2


def report_reader_required(view):
    """Signed in, and a practice manager or a network admin."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not builds.may_request(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _report_or_404(user, pk) -> Report:
    report = builds.reports_for(user).select_related("requested_by").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def report_context(report: Report | None) -> dict:
    """What the page shows of one build: its panels when done."""
    if report is None or report.status != "done":
        return {"report": report, "poll_seconds": POLL_SECONDS}
    names = protocol_names()
    result = report.result or {}
    return {
        "report": report,
        "names": names,
        "panels": panels(result, names, report.parameters),
        "flagged": flagged_lots(result),
        "filters": describe_filters(report, names),
        "poll_seconds": POLL_SECONDS,
    }


def describe_filters(report: Report, names: dict[str, str]) -> list[tuple[str, str]]:
    labels = {
        "practice": "Practice",
        "from": "Surveyed from",
        "to": "Surveyed until",
        "protocol": "Formulation",
        "target": "Indication",
        "sex": "Sex",
        "age_band": "Age band",
        "min_sessions": "Sessions completed at least",
        "lot": "Product lot",
    }
    shown = []
    for key, label in labels.items():
        value = report.parameters.get(key)
        if value in (None, ""):
            continue
        if key == "protocol":
            value = names.get(value, value)
        elif key == "practice":
            value = _practice_name(report, value)
        elif key == "lot":
            value = _lot_number(value)
        shown.append((label, str(value)))
    return shown


def _practice_name(report, pk):
    from mesoplan.models import Practice

    return (
        Practice.objects.filter(pk=pk, network_id=report.network_id)
        .values_list("name", flat=True)
        .first()
        or pk
    )


def _lot_number(pk):
    from lots.models import ProductLot

    return ProductLot.objects.filter(pk=pk).values_list("lot_number", flat=True).first() or pk


def _earlier(user, exclude=None):
    rows = builds.reports_for(user).defer("result").select_related("requested_by")
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return list(rows.order_by("-requested_at", "-id")[:EARLIER_BUILDS])


@report_reader_required
@require_http_methods(["GET", "POST"])
def dashboard(request):
    user = request.user
    if request.method == "POST":
        form = ReportFilterForm(request.POST, actor=user)
        if form.is_valid():
            try:
                report, new = builds.request_report(user, form.parameters())
            except InvalidInput as exc:
                add_service_errors(form, exc, {"from": "from_"})
            else:
                if not new:
                    messages.info(request, "The same report is already being built: you joined it.")
                return redirect("reports:detail", pk=report.pk)
        status = 400
    else:
        form = ReportFilterForm(actor=user)
        status = 200
    latest = builds.reports_for(user).select_related("requested_by").first()
    context = {"form": form, "earlier": _earlier(user, latest), **report_context(latest)}
    return render(request, "reports/dashboard.html", context, status=status)


@login_required  # anyone else's lookup finds nothing: 404, as any record out of scope
@require_GET
def detail(request, pk):
    report = _report_or_404(request.user, pk)
    form = ReportFilterForm(
        initial={("from_" if k == "from" else k): v for k, v in report.parameters.items()},
        actor=request.user,
    )
    context = {"form": form, "earlier": _earlier(request.user, report), **report_context(report)}
    return render(request, "reports/dashboard.html", context)


@login_required  # anyone else's lookup finds nothing: 404, as any record out of scope
@require_GET
def progress(request, pk):
    """The build's region: while it is pending or running, itself again (it polls); once
    finished, the report, which does not poll: the polling stops by itself."""
    report = _report_or_404(request.user, pk)
    return render(request, "reports/_build.html", report_context(report))


@login_required  # anyone else's lookup finds nothing: 404, as any record out of scope
@require_GET
def table_csv(request, pk, table):
    report = _report_or_404(request.user, pk)
    if report.status != "done":
        raise Http404
    result = report.result or {}
    found = all_tables(result, protocol_names()).get(table)
    if found is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = report.requested_at.date().isoformat()
    response["Content-Disposition"] = f'attachment; filename="meso-report-{stamp}-{table}.csv"'
    writer = csv.writer(response)
    if result.get("synthetic"):
        writer.writerow(["# Synthetic data: generated for a demonstration, not real patients."])
    for row in found.csv_rows():
        writer.writerow([_safe_csv(cell) for cell in row])
    return response


def _safe_csv(cell):
    """A text cell a spreadsheet would run as a formula is quoted (CSV injection)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + cell
    return cell
