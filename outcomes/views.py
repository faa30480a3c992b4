"""Browser side of outcomes: a recorded session's measures and photos (the forms of
`{% session_outcomes session %}` on the session record page) and opening a photo; the
satisfaction survey, which the practice enters or hands out as a one-time link (both from
the course page), and the public page where the patient answers through that link.
HTTP only: the services decide, and a refusal comes back as a message on the page.

The public page needs no sign-in: its token is the credential. It shows the question and
the practice's name, nothing else; a link that is unknown answers 404 and one that
expired or was used 410, each a plain page that says nothing about any course.
"""

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.guards import allows_body_up_to
from mesoplan.roles import is_clinician
from mesoplan.tenancy import get_scoped_or_404
from outcomes import measures, photos, surveys
from scheduling.models import Course
from sessions.models import SessionRecord

from .forms import MeasureForm, PhotoForm, SurveyForm
from .models import Photo
from .photo_http import photo_response

# Where the forms come back to: the session record page (by appointment), which shows
# the section (`{% session_outcomes session %}`).
SESSION_PAGE = "calendar:session"


def _record(request, record_pk) -> SessionRecord:
    return get_scoped_or_404(
        SessionRecord.objects.select_related(
            "patient", "course__protocol", "appointment", "formulation"
        ),
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


def _course(request, pk) -> Course:
    return get_scoped_or_404(
        Course.objects.select_related("patient", "protocol"), request.user, pk=pk
    )


def _back_to_course(course: Course):
    return redirect(reverse("courses:detail", kwargs={"pk": course.pk}) + "#survey")


@practice_staff_required
@require_POST
def survey_enter(request, pk):
    """The practice enters the patient's answer."""
    course = _course(request, pk)
    form = SurveyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Survey not recorded: choose how satisfied the patient is.")
        return _back_to_course(course)
    try:
        surveys.record_survey(actor=request.user, course=course, **form.cleaned_data)
    except (Conflict, InvalidInput) as exc:
        messages.error(request, f"Survey not recorded. {exc.message}")
    else:
        messages.success(request, "Survey recorded.")
    return _back_to_course(course)


def qr_svg(url: str) -> str:
    """The link as a QR code, inline SVG (no outside service, no inline style)."""
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, title="QR code of the survey link", svgclass="qr"
    )


def _token_key(link) -> str:
    return f"survey_link:{link.pk}"


@practice_staff_required
@require_http_methods(["GET", "POST"])
def survey_link(request, pk):
    """The course's one-time link. POST makes it (or, with `replace`, a new one in place
    of the open one) and redirects here; GET shows it. Only the token's hash is kept in
    the database: the link itself is in the person's server-side session, so Reload and
    Back show the same link, and another browser sees that one is out and may replace it.
    """
    course = _course(request, pk)
    if request.method == "POST":
        try:
            handed_out = surveys.hand_out_link(
                actor=request.user, course=course, replace=request.POST.get("replace") == "1"
            )
        except Conflict as exc:
            if exc.code != "link_out":
                messages.error(request, f"No link made. {exc.message}")
                return _back_to_course(course)
        else:
            request.session[_token_key(handed_out.link)] = handed_out.token
        return redirect("courses:survey-link", pk=course.pk)
    link = surveys.open_link_of(course)
    token = request.session.get(_token_key(link)) if link else None
    context: dict[str, object] = {"course": course, "patient": course.patient, "link": link}
    if link and token:
        url = request.build_absolute_uri(reverse("survey-answer", kwargs={"token": token}))
        context.update({"url": url, "qr": qr_svg(url), "expires_at": link.expires_at})
    return render(request, "outcomes/survey_link.html", context)


def _public(request, template: str, context: dict, status: int):
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in this page's URL: the site-wide Referrer-Policy `same-origin`
    # (SECURE_REFERRER_POLICY) never sends it to another site. Not `no-referrer`: the
    # browser would then send `Origin: null` with the form, and the CSRF check refuse it.
    return response


def _thanks(request, token: str):
    practice = surveys.practice_of_token(token)
    context = {"practice_name": practice.name if practice else ""}
    return _public(request, "outcomes/survey_thanks.html", context, 200)


def _gone(request, reason: str):
    return _public(request, "outcomes/survey_gone.html", {"reason": reason}, 410)


def _unknown(request):
    return _public(request, "outcomes/survey_gone.html", {"reason": "unknown"}, 404)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    """The patient's page: the question and the practice's name, nothing else."""
    try:
        link = surveys.open_link(token)
    except surveys.LinkUnknown:
        return _unknown(request)
    except surveys.LinkGone as gone:
        if gone.reason == "used" and request.GET.get("answered") == "1":
            return _thanks(request, token)  # the redirect after the answer: Reload is safe
        return _gone(request, gone.reason)
    practice = link.course.patient.practice
    form = SurveyForm(request.POST or None, for_patient=True)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                surveys.answer_link(token=token, **form.cleaned_data)
            except surveys.LinkUnknown:
                return _unknown(request)
            except surveys.LinkGone as gone:
                return _gone(request, gone.reason)
            except InvalidInput as exc:
                for field, errors in exc.errors.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect(f"{request.path}?answered=1")
        status = 400
    context = {"form": form, "practice_name": practice.name}
    return _public(request, "outcomes/survey_public.html", context, status)
