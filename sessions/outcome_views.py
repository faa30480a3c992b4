"""Browser side of a recorded session's outcomes: record measures, add a photo (both from
the forms of `{% session_outcomes session %}` on the session record page), and open a
photo. HTTP only: the services
decide, and a refusal comes back as a message on the session's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.guards import allows_body_up_to
from mesoplan.roles import is_clinician
from mesoplan.tenancy import get_scoped_or_404
from sessions import measures, photos
from sessions.models import Photo, SessionRecord
from sessions.outcome_forms import MeasureForm, PhotoForm
from sessions.photo_http import photo_response

# Where the forms come back to: the session record page (by appointment), which shows
# the section (`{% session_outcomes session %}`).
SESSION_PAGE = "calendar:session"


def _record(request, record_pk) -> SessionRecord:
    return get_scoped_or_404(
        SessionRecord.objects.select_related("patient", "course__protocol", "appointment"),
        request.user,
        pk=record_pk,
    )


def _back_to_session(record: SessionRecord, anchor: str):
    response = redirect(SESSION_PAGE, pk=record.appointment_id)
    response["Location"] += f"#{anchor}"
    return response


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {error}".lstrip(": ")
        for name, errors in form.errors.items()
        for error in errors
    )


def _refusal(exc: InvalidInput | Conflict) -> str:
    if isinstance(exc, Conflict):
        return exc.message
    return " ".join(
        str(message)
        for messages_ in exc.errors.values()
        for message in (messages_ if isinstance(messages_, list) else [messages_])
    )


@practice_staff_required
@require_POST
def measures_add(request, record_pk):
    record = _record(request, record_pk)
    if not is_clinician(request.user):
        raise PermissionDenied
    form = MeasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Measures not recorded. " + _form_errors(form))
        return _back_to_session(record, "outcomes")
    try:
        measures.record_measures(actor=request.user, session_record=record, **form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, "Measures not recorded. " + _refusal(exc))
    else:
        messages.success(request, "Outcome measures recorded.")
    return _back_to_session(record, "outcomes")


@allows_body_up_to("PHOTO_UPLOAD_MAX_BODY")
@practice_staff_required
@require_POST
def photo_add(request, record_pk):
    record = _record(request, record_pk)
    if not is_clinician(request.user):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Photo not added. " + _form_errors(form))
        return _back_to_session(record, "outcomes")
    data = form.cleaned_data
    try:
        photos.add_photo(
            actor=request.user,
            session_record=record,
            phase=data["phase"],
            region=data["region"],
            upload=data["image"],
        )
    except (InvalidInput, Conflict) as exc:
        messages.error(request, "Photo not added. " + _refusal(exc))
    else:
        messages.success(request, "Photo added (location and camera data removed).")
    return _back_to_session(record, "outcomes")


@practice_staff_required
@require_GET
def photo_content(request, pk):
    """The photo itself, for staff of its practice only (another practice: 404)."""
    photo = get_scoped_or_404(Photo, request.user, pk=pk)
    return photo_response(request.user, photo)
