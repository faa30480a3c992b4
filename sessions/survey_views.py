"""Browser side of the satisfaction survey: the practice enters the patient's answer or
hands out a one-time link (both from the course page), and the public page where the
patient answers through that link.

The public page needs no sign-in: its token is the credential. It shows the question and
the practice's name, nothing else; a link that is unknown answers 404 and one that
expired or was used 410, each a plain page that says nothing about any course."""

import segno
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mesoplan.access import practice_staff_required
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.tenancy import get_scoped_or_404
from sessions import surveys
from sessions.models import Course
from sessions.outcome_forms import SurveyForm


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


@practice_staff_required
@require_POST
def survey_link(request, pk):
    """Makes a one-time link and shows it, once (only its hash is kept)."""
    course = _course(request, pk)
    try:
        handed_out = surveys.hand_out_link(actor=request.user, course=course)
    except Conflict as exc:
        messages.error(request, f"No link made. {exc.message}")
        return _back_to_course(course)
    url = request.build_absolute_uri(reverse("survey-answer", kwargs={"token": handed_out.token}))
    context = {
        "course": course,
        "patient": course.patient,
        "url": url,
        "qr": qr_svg(url),
        "expires_at": handed_out.link.expires_at,
    }
    return render(request, "sessions/survey_link.html", context)


def _public(request, template: str, context: dict, status: int):
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in this page's URL: the site-wide Referrer-Policy `same-origin`
    # (SECURE_REFERRER_POLICY) never sends it to another site. Not `no-referrer`: the
    # browser would then send `Origin: null` with the form, and the CSRF check refuse it.
    return response


def _gone(request, reason: str):
    return _public(request, "sessions/survey_gone.html", {"reason": reason}, 410)


def _unknown(request):
    return _public(request, "sessions/survey_gone.html", {"reason": "unknown"}, 404)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request, token):
    """The patient's page: the question and the practice's name, nothing else."""
    try:
        link = surveys.open_link(token)
    except surveys.LinkUnknown:
        return _unknown(request)
    except surveys.LinkGone as gone:
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
                return _public(
                    request, "sessions/survey_thanks.html", {"practice_name": practice.name}, 200
                )
        status = 400
    context = {"form": form, "practice_name": practice.name}
    return _public(request, "sessions/survey_public.html", context, status)
