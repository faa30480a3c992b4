"""A lot's page is its recall (DOMAIN.md, traceability): every session that received the
lot, newest first, with the patient's contact details and linked adverse events, and the
whole recall as CSV. Reading and exporting a recall are audited, as the API does.

HTTP only: sessions.lot_recall reads; the URLs stay under the lot (`lots:detail`)."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from lots import services as lots
from lots.selectors import lots_for
from mesoplan.access import practice_staff_required
from mesoplan.clock import practice_today
from mesoplan.downloads import csv_download
from mesoplan.keyset import page_from_link
from mesoplan.tenancy import get_scoped_or_404
from sessions import lot_recall

RECIPIENTS_PER_PAGE = 100


def _lot(request, pk):
    return get_scoped_or_404(lots_for(request.user), request.user, pk=pk)


@practice_staff_required
@require_GET
def lot_detail(request, pk):
    """The lot and its recall: every session that received it, newest first."""
    user = request.user
    lot = _lot(request, pk)
    records = lot_recall.recipient_records(user, lot)
    cursor, page = page_from_link(records, request.GET.get("cursor") or None, RECIPIENTS_PER_PAGE)
    recipients = lot_recall.recipients_of(page.rows)
    lot_recall.record_listing(user, lot, recipients)
    context = {
        "lot": lot,
        "recipients": recipients,
        "cursor": cursor,
        "next_cursor": page.next_cursor,
        "today": practice_today(user.practice),
        "warning_days": lots.expiry_warning_days(),
    }
    return render(request, "sessions/lot_detail.html", context)


@practice_staff_required
@require_GET
def lot_recipients_csv(request, pk):
    lot = _lot(request, pk)
    body = lot_recall.export_recall(request.user, lot)
    return csv_download(body, lot_recall.csv_filename(lot))
