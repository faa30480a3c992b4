"""A lot's page is its recall (DOMAIN.md, traceability): every session that received the
lot, newest first, with the patient's contact details and linked adverse events, and the
whole recall as CSV. Reading and exporting a recall are audited, as the API does.

HTTP only: sessions.lot_recall reads; the URLs stay under the lot (`lots:detail`)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lots import services as lots
from mesoplan import audit
from mesoplan.access import practice_staff_required
from mesoplan.audit import Action
from mesoplan.clock import practice_today
from mesoplan.keyset import page_from_link
from mesoplan.tenancy import get_scoped_or_404
from sessions import lot_recall

RECIPIENTS_PER_PAGE = 100


def _lot(request, pk):
    return get_scoped_or_404(lots.lots_for(request.user), request.user, pk=pk)


@practice_staff_required
@require_GET
def lot_detail(request, pk):
    """The lot and its recall: every session that received it, newest first."""
    user = request.user
    lot = _lot(request, pk)
    records = lot_recall.recipient_records(user, lot)
    cursor, page = page_from_link(records, request.GET.get("cursor") or None, RECIPIENTS_PER_PAGE)
    recipients = lot_recall.recipients_of(page.rows)
    audit.record(
        user,
        Action.LOT_RECALL_VIEW,
        lot,
        summary=f"Lot {lot.lot_number}: {len(recipients)} sessions listed",
        details={"patients": sorted({str(r.patient.pk) for r in recipients})},
    )
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
    user = request.user
    lot = _lot(request, pk)
    rows = lot_recall.recipients_of(lot_recall.recipient_records(user, lot))
    audit.record(
        user,
        Action.LOT_RECALL_EXPORT,
        lot,
        summary=f"Lot {lot.lot_number}: {len(rows)} sessions exported",
        details={"patients": sorted({str(r.patient.pk) for r in rows})},
    )
    response = HttpResponse(
        lot_recall.recipients_csv(rows, user.practice), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{lot_recall.csv_filename(lot)}"'
    return response
