"""Request guards in front of every view, so a class of bad input is answered once, at
the root, instead of by each endpoint:

- a NUL byte in the path or the query string cannot match any row (PostgreSQL text
  cannot hold it) and would fail the database driver: 400;
- a body larger than DATA_UPLOAD_MAX_MEMORY_SIZE is refused from its Content-Length,
  before anything reads or parses it: 413. A view marked with `allows_body_up_to`
  (the photo uploads) takes up to the limit it names instead, and only that view: the
  URL is resolved only for a body over the ordinary limit;
- a chunked body (Transfer-Encoding without a Content-Length) is refused: 411. Django
  reads a body by its Content-Length, so it would read the chunks as an empty body and
  act on nothing the client sent, and the size guard could not see it either;
- answers to signed-in requests and to the API carry `Cache-Control: no-store`: patient
  data must not stay in the cache of a shared clinic workstation or a proxy.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

LARGE_BODY_ATTRIBUTE = "max_body_setting"


def allows_body_up_to(setting: str) -> Callable:
    """Marks a view whose requests may carry up to `settings.<setting>` bytes instead of
    DATA_UPLOAD_MAX_MEMORY_SIZE (read per request, so a test can change it)."""

    def mark(view):
        setattr(view, LARGE_BODY_ATTRIBUTE, setting)
        return view

    return mark


def body_limit(request) -> int | None:
    """The most bytes this request's body may have: the ordinary limit, or the larger one
    of the view its URL resolves to."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return limit
    setting = getattr(match.func, LARGE_BODY_ATTRIBUTE, None)
    return getattr(settings, setting) if setting else limit


def _too_large(request) -> int | None:
    """The limit the body exceeds, or None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None or length <= limit:
        return None
    limit = body_limit(request)
    return limit if limit is not None and length > limit else None


def _is_chunked(request) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encoding and not request.META.get("CONTENT_LENGTH")


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return JsonResponse({"detail": "NUL characters are not allowed in URLs."}, status=400)
        if _is_chunked(request):
            return JsonResponse(
                {"detail": "Send the body with a Content-Length: chunked bodies are refused."},
                status=411,
            )
        if (limit := _too_large(request)) is not None:
            return JsonResponse(
                {"detail": f"The request body is larger than {limit} bytes."}, status=413
            )
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path.startswith("/api/v1/"):
            add_never_cache_headers(response)  # no-store, no-cache, private, max-age=0
        return response
