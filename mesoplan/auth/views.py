"""The pages after the password: the second factor (check a code, set one up, recovery
codes, switch off), changing a temporary password, and one's own API tokens.

These pages stay open while a sign-in step is owed (mesoplan/auth/gate.py), so each one
guards itself: until the code of an existing second factor is given, nothing on the
account can be changed (a stolen password alone must not replace the second factor).
"""

from __future__ import annotations

from typing import cast

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.errors import Conflict
from mesoplan.models import User

from . import passkeys, second_factor, tokens
from .forms import CodeForm, NewTokenForm
from .gate import mark_unsettled

PENDING_KEY = "_mesoplan_totp_pending"


def _user(request: HttpRequest) -> User:
    """The signed-in staff account (each page here requires a sign-in)."""
    return cast(User, request.user)


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _owes_code(request: HttpRequest) -> bool:
    user = _user(request)
    return second_factor.has_second_factor(user) and not user.is_verified()  # type: ignore[attr-defined]


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(
        scale=4, border=2, title="QR code for your authenticator app", svgclass="qr"
    )


def _codes_page(request: HttpRequest, codes: list[str], *, fresh: bool) -> HttpResponse:
    response = render(
        request,
        "registration/recovery_codes.html",
        {"codes": codes, "fresh_factor": fresh, "next": _next_url(request)},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The code of the second factor, once per sign-in."""
    if not _owes_code(request):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor.verify_code(request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error(
                "code",
                "This code is not right, or was used already. Check the time on your "
                "phone; after several wrong codes each try waits a little longer.",
            )
        else:
            otp_login(request, device)
            mark_unsettled(request)
            if device.name == second_factor.RECOVERY_NAME:
                left = second_factor.remaining_recovery_codes(request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code: {left} left. Set up your "
                    f"authenticator app again or issue new codes under Second factor.",
                )
            return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "has_passkey": passkeys.has_passkey(request.user),
        "has_app": second_factor.has_authenticator_app(request.user),
    }
    return render(request, "registration/verify.html", context)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Whether the account has a second factor, and what can be done with it."""
    if _owes_code(request):
        return redirect(f"{reverse('second-factor-verify')}?next={request.path}")
    user = request.user
    context = {
        "has_factor": second_factor.has_second_factor(user),
        "has_app": second_factor.has_authenticator_app(user),
        "passkeys": list(passkeys.passkeys_of(user)),
        "required": second_factor.is_second_factor_required(user),
        "remaining": second_factor.remaining_recovery_codes(user),
        "next": _next_url(request),
    }
    return render(request, "registration/second_factor.html", context)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the code, type the first number."""
    if _owes_code(request):
        return redirect(f"{reverse('second-factor-verify')}?next={request.path}")
    enrolment = second_factor.pending_enrolment(request.user, request.session.get(PENDING_KEY))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and enrolment is not None and form.is_valid():
        codes = second_factor.confirm_enrolment(request.user, enrolment, form.cleaned_data["code"])
        if codes is not None:
            request.session.pop(PENDING_KEY, None)
            otp_login(request, enrolment.device)
            mark_unsettled(request)
            return _codes_page(request, codes, fresh=True)
        form.add_error(
            "code",
            "This code is not right. Check the time on your phone and type the number the app shows now.",
        )
    if enrolment is None or request.method == "GET":
        enrolment = second_factor.begin_enrolment(request.user)
        request.session[PENDING_KEY] = enrolment.device.pk
        if request.method == "POST":
            form = CodeForm()  # the earlier code was for a set-up that has gone
            messages.error(request, "That set-up had expired: scan this new code.")
    context = {
        "form": form,
        "qr": _qr_svg(enrolment.config_url),
        "secret": enrolment.secret,
        "replacing": second_factor.has_second_factor(request.user),
        "next": _next_url(request),
    }
    response = render(request, "registration/setup_second_factor.html", context)
    response["Cache-Control"] = "no-store"  # the page carries the secret
    return response


@login_required
@require_POST
def renew_codes(request: HttpRequest) -> HttpResponse:
    if _owes_code(request) or not second_factor.has_second_factor(request.user):
        return redirect("second-factor")
    return _codes_page(request, second_factor.renew_recovery_codes(request.user), fresh=False)


@login_required
@require_POST
def remove(request: HttpRequest) -> HttpResponse:
    if _owes_code(request):
        return redirect("second-factor-verify")
    try:
        second_factor.remove_own_second_factor(request.user)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your second factor is switched off.")
    return redirect("second-factor")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; afterwards a temporary password is no longer owed."""

    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and _owes_code(request):
            return redirect(f"{reverse('second-factor-verify')}?next={request.path}")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = _user(self.request)
        was_temporary = user.must_change_password
        if was_temporary:
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
        audit.record(
            user,
            Action.PASSWORD_CHANGE,
            user,
            summary=user.display_name,
            details={"temporary": was_temporary},
        )
        mark_unsettled(self.request)
        messages.success(self.request, "Your password is changed.")
        return redirect(_next_url(self.request)) if was_temporary else response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["temporary"] = _user(self.request).must_change_password
        context["next"] = _next_url(self.request)
        return context


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """One's own API tokens: issue a named one (its key shown once), revoke."""
    form = NewTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = tokens.issue_token(_user(request), name=form.cleaned_data["name"])
        form = NewTokenForm()
    own = tokens.tokens_visible_to(_user(request)).filter(user=_user(request))
    response = render(
        request,
        "registration/tokens.html",
        {"form": form, "issued": issued, "tokens": own[:100], "now": timezone.now()},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk) -> HttpResponse:
    token = get_object_or_404(tokens.tokens_visible_to(_user(request)), pk=pk)
    tokens.revoke_token(actor=_user(request), token=token)
    messages.success(request, f"The token “{token.name}” is revoked.")
    back = request.POST.get("next")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("api-tokens")
