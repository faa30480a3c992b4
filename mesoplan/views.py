"""Browser pages of the project package: home per role, health."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mesoplan.health import health_report
from mesoplan.home import home_context


@login_required
def home(request):
    context = home_context(request.user)
    return render(request, context["template"], context)


@never_cache
@require_GET
def healthz(request):
    ok, report = health_report()
    return JsonResponse({"status": "ok" if ok else "fail", **report}, status=200 if ok else 503)
