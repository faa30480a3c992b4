"""Request guards in front of every view, so a class of bad input is answered once, at
the root, instead of by each endpoint:

- a NUL byte in the path or the query string cannot match any row (PostgreSQL text
  cannot hold it) and would fail the database driver: 400;
- a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused from its Content-Length,
  before anything reads or parses it: 413;
- answers to signed-in requests and to the API carry `Cache-Control: no-store`: patient
  data must not stay in the cache of a shared clinic workstation or a proxy.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return limit is not None and length > limit


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return JsonResponse({"detail": "NUL characters are not allowed in URLs."}, status=400)
        if _too_large(request):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            return JsonResponse(
                {"detail": f"The request body is larger than {limit} bytes."}, status=413
            )
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/v1/"):
            add_never_cache_headers(response)  # no-store, no-cache, private, max-age=0
        return response
