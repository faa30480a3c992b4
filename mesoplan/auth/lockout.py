"""The response to a login attempt while its username is locked out, and which
usernames are locked out now (for the practice manager who lifts it)."""

from collections.abc import Iterable

from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

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


def locked_out_usernames(usernames: Iterable[str]) -> set[str]:
    """The usernames among `usernames` that axes refuses now, in one query.

    Mirrors axes' database handler with AXES_LOCKOUT_PARAMETERS = ["username"]: a
    username is locked while its failures within the cool-off period reach the limit
    (tests/office/test_staff_pages.py locks one through the login form to hold us to it).
    """
    attempts = AccessAttempt.objects.filter(username__in=list(usernames))
    cool_off = get_cool_off()
    if cool_off is not None:  # without a cool-off period, a lock-out lasts until lifted
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = (
        attempts.values("username")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=get_failure_limit(None, None))  # type: ignore[arg-type]
    )
    return {row["username"] for row in rows}


def sign_out_when_locked_out(sender, request=None, username=None, **kwargs) -> None:
    """axes' `user_locked_out`: the account whose username just locked out is signed out
    everywhere (its API token no longer works, like its sessions), so a stolen token
    does not outlive the lock-out that guesses trigger."""
    from mesoplan.models import User
    from mesoplan.staff import end_sessions_and_tokens

    for member in User.objects.filter(username__iexact=username or ""):
        end_sessions_and_tokens(member)
