"""Browser pages of the project package: health. (Each role's home page, built from the
clinical apps' work queues, lives in `office`, above them.)"""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mesoplan.health import health_report


@never_cache
@require_GET
def healthz(request):
    ok, report = health_report()
    return JsonResponse({"status": "ok" if ok else "fail", **report}, status=200 if ok else 503)
