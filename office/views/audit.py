"""The audit trail page: the practice's entries newest first, filtered by patient, staff
member and days, paged by keyset (older than the last entry shown), for practice
managers only. A constant number of queries per page, however long the trail."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from mesoplan.access import practice_staff_required
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.keyset import page_from_link
from mesoplan.models import AuditEntry
from mesoplan.roles import is_practice_manager
from mesoplan.selectors import audit_trail_for, staff_for
from office.forms import AuditFilterForm
from patients.selectors import patient_names

PAGE_SIZE = 50


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    label: str
    patient_name: str | None


@practice_staff_required
def audit_trail(request):
    if not is_practice_manager(request.user):
        raise PermissionDenied
    members = list(staff_for(request.user))
    form = AuditFilterForm(
        request.GET, staff=members, date_format=request.user.practice.date_format
    )
    if not form.is_valid():
        # Never an unfiltered trail that looks filtered: show the errors, no entries.
        context = {"form": form, "rows": [], "is_filtered": True, "is_first_page": True}
        return render(request, "office/audit_list.html", context, status=400)
    filters = form.filters(practice_zone(request.user.practice))
    trail = audit_trail_for(request.user, **filters)
    cursor = request.GET.get("before") or None
    cursor, page = page_from_link(trail, cursor, PAGE_SIZE)
    patient_id = filters["patient_id"]
    names = patient_names(request.user, [patient_id, *(e.patient_id for e in page.rows)])
    query = form.query()
    context = {
        "form": form,
        "rows": [
            Row(entry, Action.label(entry.action), names.get(entry.patient_id))
            for entry in page.rows
        ],
        "patient_id": patient_id,
        "patient_name": names.get(patient_id) if patient_id else None,
        "is_filtered": bool(query),
        "is_first_page": cursor is None,
        "query": urlencode(query),
        "query_without_patient": urlencode({k: v for k, v in query.items() if k != "patient"}),
        "older": urlencode({**query, "before": page.next_cursor}) if page.next_cursor else None,
    }
    return render(request, "office/audit_list.html", context)
