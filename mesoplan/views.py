"""Browser pages of the project package: home per role, health, calendar feed."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mesoplan.calendar_feed import is_valid_feed_token
from mesoplan.health import health_report
from mesoplan.home import home_context
from mesoplan.ical import clinician_calendar
from mesoplan.models import User
from mesoplan.roles import Role


@login_required
def home(request):
    context = home_context(request.user)
    return render(request, context["template"], context)


@never_cache
@require_GET
def healthz(request):
    ok, report = health_report()
    return JsonResponse({"status": "ok" if ok else "fail", **report}, status=200 if ok else 503)


@require_GET
def calendar_feed(request, clinician_id, token):
    """A clinician's appointments for calendar apps: no credentials, no patient names."""
    user = User.objects.filter(pk=clinician_id, role=Role.CLINICIAN, is_active=True).first()
    if user is None or not is_valid_feed_token(user, token):
        raise Http404
    body = clinician_calendar(user)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
