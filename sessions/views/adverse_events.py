"""Browser side of adverse events: record one against a session and add a follow-up. The
session record page shows the events and the form through
`{% session_adverse_events session %}` (templatetags/adverse_events.py); these views take
its posts, and show the form on a page of its own when it needs correcting (400).

HTTP only: sessions.adverse_events decides and audits. Another practice's record is not
found (404) before the role is checked (a manager gets 403: clinicians record events).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from mesoplan.access import practice_staff_required
from mesoplan.errors import InvalidInput
from mesoplan.form_errors import add_service_errors
from mesoplan.roles import is_clinician
from mesoplan.tenancy import get_scoped_or_404, scoped
from sessions import adverse_events
from sessions.forms import FollowUpForm, adverse_event_form
from sessions.models import SessionRecord


def session_page(record: SessionRecord) -> str:
    """The session record page, at its adverse events."""
    return reverse("calendar:session", args=[record.appointment_id]) + "#adverse-events"


def _record(request, record_pk) -> SessionRecord:
    record = get_scoped_or_404(
        scoped(SessionRecord, request.user).select_related("patient", "appointment"),
        request.user,
        pk=record_pk,
    )
    if not is_clinician(request.user):
        raise PermissionDenied
    return record


@practice_staff_required
@require_http_methods(["GET", "POST"])
def adverse_event_add(request, record_pk):
    record = _record(request, record_pk)
    practice = request.user.practice
    data = request.POST if request.method == "POST" else None
    form = adverse_event_form(data, lots=adverse_events.session_lots(record), practice=practice)
    if data is not None and form.is_valid():
        values = form.cleaned_data
        try:
            event = adverse_events.record_adverse_event(
                actor=request.user,
                session_record=record,
                type=values["type"],
                severity=values["severity"],
                onset_at=form.onset_at(),
                description=values["description"],
                action_taken=values["action_taken"],
                outcome=values["outcome"],
                lot_ids=values["lots"],
            )
        except InvalidInput as exc:
            add_service_errors(form, exc, {"onset_at": "onset_date"})
        else:
            messages.success(
                request,
                f"{event.get_type_display()} recorded for {record.patient.full_name}: it shows "
                "on the patient's record and in the recall of its lots.",
            )
            return redirect(session_page(record))
    return render(
        request,
        "sessions/adverse_event_form.html",
        {"form": form, "record": record, "back": session_page(record)},
        status=400 if data is not None else 200,
    )


@practice_staff_required
@require_http_methods(["GET", "POST"])
def follow_up_add(request, record_pk, pk):
    record = _record(request, record_pk)
    event = get_scoped_or_404(
        adverse_events.adverse_events_for(request.user).filter(session_record=record),
        request.user,
        pk=pk,
    )
    data = request.POST if request.method == "POST" else None
    form = FollowUpForm(data, prefix=f"follow-{event.pk}")
    if data is not None and form.is_valid():
        try:
            adverse_events.follow_up_adverse_event(
                actor=request.user, event=event, **form.cleaned_data
            )
        except InvalidInput as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Follow-up of the {event.get_type_display().lower()} saved.")
            return redirect(session_page(record))
    return render(
        request,
        "sessions/adverse_event_follow_up.html",
        {"form": form, "record": record, "event": event, "back": session_page(record)},
        status=400 if data is not None else 200,
    )
