"""The second factor: an authenticator app (TOTP) or a passkey (mesoplan/auth/passkeys.py),
with single-use recovery codes, kept by django-otp's devices. Who must have one,
enrolment, checking a code, and new codes.

A user's second factor is their confirmed TOTP device or passkeys; the recovery codes (a
django-otp static device) stand in for them when the phone is lost, each code once.
Setting up the app again replaces it and the codes. Codes are compared by django-otp, which also slows down guessing: after
each wrong code the next try must wait twice as long (1, 2, 4, ... seconds).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.roles import Role

RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without look-alikes (l/1, o/0): typed from paper.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def is_second_factor_required(user) -> bool:
    """Whether this account may not work without a second factor: the site's
    administrators always (unless ADMIN_SECOND_FACTOR is off), network admins as their
    network says, managers and clinicians as their practice says."""
    if user.is_superuser:
        return bool(settings.ADMIN_SECOND_FACTOR)
    if user.role == Role.NETWORK_ADMIN:
        return user.network is not None and user.network.second_factor_for_admins
    if user.practice is None:
        return False
    if user.role == Role.PRACTICE_MANAGER:
        return user.practice.second_factor_for_managers
    return user.practice.second_factor_for_clinicians


def has_authenticator_app(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user) -> bool:
    from .passkeys import has_passkey

    return has_authenticator_app(user) or has_passkey(user)


def normalise_code(code: str) -> str:
    """What was typed, as stored: no spaces or dashes, lower case.

    >>> normalise_code(" 123 456 "), normalise_code("K7PQM-3XZ9W")
    ('123456', 'k7pqm3xz9w')
    """
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


def is_totp_shaped(code: str) -> bool:
    """Six digits are an authenticator code; anything else is tried as a recovery code.

    >>> is_totp_shaped("123456"), is_totp_shaped("k7pqm3xz9w"), is_totp_shaped("12345")
    (True, False, False)
    """
    return len(code) == 6 and code.isascii() and code.isdigit()


def format_recovery_code(code: str) -> str:
    """
    >>> format_recovery_code("k7pqm3xz9w")
    'k7pqm-3xz9w'
    """
    return f"{code[:5]}-{code[5:]}"


def _new_recovery_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))  # about 49 bits


@dataclass(frozen=True)
class Enrolment:
    """An authenticator app being set up: the device is saved unconfirmed until the
    first code from the app proves the secret arrived."""

    device: TOTPDevice

    @property
    def config_url(self) -> str:
        return self.device.config_url

    @property
    def secret(self) -> str:
        """The base-32 secret, in groups of four, for typing into the app by hand."""
        from base64 import b32encode

        text = b32encode(self.device.bin_key).decode().rstrip("=")
        return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def begin_enrolment(user) -> Enrolment:
    """A new, unconfirmed authenticator device for the user (an earlier unfinished one
    goes). The confirmed factor, if any, keeps working until the new one is confirmed."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return Enrolment(device)


def pending_enrolment(user, device_id) -> Enrolment | None:
    device = TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()
    return Enrolment(device) if device else None


def _issue_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return [format_recovery_code(code) for code in codes]


@transaction.atomic
def confirm_enrolment(user, enrolment: Enrolment, code: str) -> list[str] | None:
    """With a right code from the app: the device becomes the user's second factor
    (replacing an earlier one), new recovery codes are issued and returned (shown once),
    and the audit trail says so. With a wrong code: None, nothing changes."""
    device = TOTPDevice.objects.select_for_update().get(pk=enrolment.device.pk)
    if not device.verify_token(normalise_code(code)):
        return None
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
    replacing = replaced.exists()
    replaced.delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _issue_recovery_codes(user)
    audit.record(
        user,
        Action.SECOND_FACTOR_ENROL,
        user,
        summary=user.display_name,
        details={"replaced": replacing},
    )
    return codes


@transaction.atomic
def verify_code(user, code: str) -> Device | None:
    """The device that accepts this code (an authenticator code or an unused recovery
    code, which is then spent), or None. Rows are locked so two tries of one recovery
    code cannot both pass."""
    code = normalise_code(code)
    if not code or len(code) > 16:
        return None
    model = TOTPDevice if is_totp_shaped(code) else StaticDevice
    device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(code):
        return None
    if model is StaticDevice:
        audit.record(
            user,
            Action.SECOND_FACTOR_RECOVERY_CODE_USED,
            user,
            summary=user.display_name,
            details={"remaining": remaining_recovery_codes(user)},
        )
    return device


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def renew_recovery_codes(user) -> list[str]:
    """New recovery codes for a user with a second factor; the old ones stop working."""
    codes = _issue_recovery_codes(user)
    audit.record(user, Action.SECOND_FACTOR_RECOVERY_CODES_RENEWED, user, summary=user.display_name)
    return codes


def remove_devices(user) -> int:
    """Every second-factor device of the user goes (a reset); returns how many."""
    from django_otp_webauthn.models import WebAuthnCredential

    deleted = 0
    for model in (TOTPDevice, StaticDevice, WebAuthnCredential):
        _, per_model = model.objects.filter(user=user).delete()
        deleted += per_model.get(model._meta.label, 0)  # not the cascaded codes
    return deleted


@transaction.atomic
def remove_own_second_factor(user) -> None:
    """The user switches their second factor off: only where it is not required."""
    from mesoplan.errors import Conflict

    if is_second_factor_required(user):
        raise Conflict(
            "Your account must keep a second factor: set up a new one to replace it.",
            "second_factor_required",
        )
    if remove_devices(user):
        audit.record(user, Action.SECOND_FACTOR_REMOVE, user, summary=user.display_name)
