"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn: a passkey stands in
for the authenticator app's code after the password (never for the password: passwordless
sign-in is off). The relying party is the host the browser is on, which Django has
already checked against ALLOWED_HOSTS; a deployment may pin it with PASSKEY_RP_ID and
PASSKEY_ORIGINS (docs/deployment.md).

The library's views do the ceremonies; the registration's is wrapped here so that adding
a passkey is audited like every other change to the account.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import CompleteCredentialRegistrationView

from mesoplan import audit
from mesoplan.audit import Action


def relying_party_id(request: HttpRequest) -> str:
    """
    >>> from django.test import RequestFactory
    >>> relying_party_id(RequestFactory().get("/", HTTP_HOST="localhost:8000"))
    'localhost'
    """
    return settings.PASSKEY_RP_ID or request.get_host().rsplit(":", 1)[0]


class PasskeyHelper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        if settings.PASSKEY_ORIGINS:
            return list(settings.PASSKEY_ORIGINS)
        return [f"{self.request.scheme}://{self.request.get_host()}"]


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")


class AuditedRegistrationView(CompleteCredentialRegistrationView):
    """The library's last registration step, with an audit entry once it succeeded."""

    def post(self, *args, **kwargs):
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            user = self.request.user
            audit.record(user, Action.SECOND_FACTOR_PASSKEY_ADD, user, summary=user.display_name)
        return response
