"""The response to a login attempt while its username is locked out."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

LOCKOUT_MINUTES = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    if not getattr(request, "refused_while_locked_out", False) and original_response is not None:
        # The attempt that reached the limit failed on its own merits: answer it as such.
        return original_response
    message = (
        f"Too many failed sign-in attempts for this username. "
        f"Try again in {LOCKOUT_MINUTES} minutes, or ask your practice manager to unlock "
        f"your account."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
        response["Retry-After"] = str(LOCKOUT_MINUTES * 60)
        return response
    return render(request, "registration/locked_out.html", {"message": message}, status=429)
