"""The door after the password: a signed-in browser that still owes a step
(mesoplan/auth/steps.py) reaches only the pages that settle it, the admin included.

The steps are worked out when the password is accepted (`settle_at_sign_in`, on Django's
user_logged_in) and again after each step until nothing is owed; a settled session costs
no query per request. A change of the practice's rule applies from the next sign-in (a
sign-in always starts a new session). The API's token endpoint asks the same rule itself (tokens never pass here).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .second_factor import has_second_factor, is_second_factor_required
from .steps import MESSAGES, Step, next_sign_in_step

SETTLED_KEY = "_mesoplan_sign_in_settled"
STEP_URLS = {
    Step.VERIFY: "second-factor-verify",
    Step.CHANGE_PASSWORD: "password-change",
    Step.ENROL: "second-factor",
}
# Open while a step is owed: the steps themselves, signing in and out (each of these
# pages guards its own order: mesoplan/auth/views.py), assets and the health check.
OPEN_URL_NAMES = (
    "login",
    "logout",
    "second-factor-verify",
    "second-factor",
    "second-factor-setup",
    "password-change",
    "healthz",
    # Passkey ceremonies: the library refuses to add one before an existing factor's check.
    "otp_webauthn:credential-registration-begin",
    "otp_webauthn:credential-registration-complete",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
)


@lru_cache(maxsize=1)
def open_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in OPEN_URL_NAMES)


def step_owed(request: HttpRequest) -> Step | None:
    user = request.user
    if not user.is_authenticated or request.session.get(SETTLED_KEY) == str(user.pk):
        return None
    return _work_out(request, user)


def _work_out(request: HttpRequest, user) -> Step | None:
    has_factor = has_second_factor(user)
    step = next_sign_in_step(
        has_factor=has_factor,
        verified=has_factor and user.is_verified(),  # type: ignore[union-attr]
        required=is_second_factor_required(user),
        must_change_password=user.must_change_password,  # type: ignore[union-attr]
    )
    if step is None:
        request.session[SETTLED_KEY] = str(user.pk)
    return step


def mark_unsettled(request: HttpRequest) -> None:
    request.session.pop(SETTLED_KEY, None)


def settle_at_sign_in(sender, request=None, user=None, **kwargs) -> None:
    """user_logged_in: the steps of the new session, worked out once. The session is
    new, so it is not yet verified (a verification comes after this)."""
    if request is None or user is None or not hasattr(request, "session"):
        return
    mark_unsettled(request)
    if not hasattr(user, "is_verified"):  # signed in outside OTPMiddleware (a test's login)
        user.is_verified = lambda: False
    _work_out(request, user)


class SignInStepsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if path not in open_paths() and not path.startswith(settings.STATIC_URL):
            step = step_owed(request)
            if step is not None:
                return self._refuse(request, step)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, step: Step) -> HttpResponse:
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": MESSAGES[step], "code": str(step)}, status=403)
        url = reverse(STEP_URLS[step])
        if request.method == "GET" and not request.headers.get("HX-Request"):
            url += "?" + urlencode({"next": request.get_full_path()})
        response = redirect(url)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = url  # htmx follows a full-page redirect itself
        return response
