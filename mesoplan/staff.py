"""Staff accounts of a practice, managed by its practice managers: add, change,
deactivate and reactivate, reset a password or a second factor, lift a sign-in lock-out.

The service contract (docs/conventions.md): each takes the acting user, lets only a practice
manager act, treats a member of another practice as not found (404), runs in one
transaction and writes its audit entry. A temporary password is returned to the caller
once and never stored or audited in clear.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from importlib import import_module

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.auth import second_factor
from mesoplan.auth.tokens import revoke_all_tokens
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import Practice, User
from mesoplan.roles import PRACTICE_ROLES, Role, require_practice_manager
from mesoplan.tenancy import ensure_in_scope

# Roles a practice manager may give: the practice's own staff, never a network admin.
ASSIGNABLE_ROLES = (Role.CLINICIAN, Role.PRACTICE_MANAGER)
EDITABLE_FIELDS = ("first_name", "last_name", "email", "role")

# Lower-case letters and digits without look-alikes (l/1, o/0), read out or copied by hand.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class NewAccount:
    user: User
    temporary_password: str | None  # set when MesoPlan generated it: show it once


def generate_temporary_password() -> str:
    """Four groups of four characters (about 79 bits), e.g. 'k7pq-m3xz-9wte-h2ra'."""
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def _member(actor, member: User) -> None:
    """The member must be staff of the actor's practice (else 404), and not an account
    the site's administrators keep (superusers)."""
    ensure_in_scope(actor, member)
    if member.is_superuser or member.role not in PRACTICE_ROLES:
        raise PermissionDenied("This account is managed by the site's administrators.")


def _check_role(role: str) -> None:
    if role not in ASSIGNABLE_ROLES:
        raise InvalidInput({"role": ["Choose clinician or practice manager."]})


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput({"password": list(exc.messages)}) from exc


def _label(member: User) -> str:
    return f"{member.display_name} ({member.username})"


def end_sessions_and_tokens(member: User) -> None:
    """Signs the member out everywhere: revokes their API tokens, ends their browser
    sessions, and revokes their private calendar feed URL (a new one is issued; the old
    one never works again, even after a reactivation). Django keeps no index from a user
    to their sessions, so the live ones are read (a practice network has a few hundred
    at most)."""
    revoke_all_tokens(member)
    User.objects.filter(pk=member.pk).update(calendar_feed_version=F("calendar_feed_version") + 1)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    member_id = str(member.pk)
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == member_id:
            store(session_key=session.session_key).delete()  # clears a cache copy too


@transaction.atomic
def create_staff(
    *,
    actor,
    username: str,
    first_name: str,
    last_name: str,
    role: str,
    email: str = "",
    password: str | None = None,
) -> NewAccount:
    """Adds a clinician or practice manager to the manager's own practice. Without a
    password, a temporary one is generated and returned (once). Either way the password
    is one the manager knows: the member must change it at their first sign-in."""
    require_practice_manager(actor, "manage staff accounts")
    _check_role(role)
    username = (username or "").strip()
    # Usernames are unique in the whole network; refuse ones that differ only in case,
    # since staff type them by hand (and the lock-out is kept per typed username).
    if username and User.objects.filter(username__iexact=username).exists():
        raise InvalidInput({"username": ["This username is already taken."]})
    member = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=(email or "").strip(),
        role=role,
        practice_id=actor.practice_id,
        is_staff=False,
        is_superuser=False,
        must_change_password=True,
    )
    try:
        member.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc
    temporary = None
    if not password:
        temporary = password = generate_temporary_password()
    _check_password(password, member)
    member.set_password(password)
    try:
        with transaction.atomic():  # a savepoint: the race's loser answers a form error
            member.save()
    except IntegrityError as exc:
        raise InvalidInput({"username": ["This username is already taken."]}) from exc
    audit.record(
        actor,
        Action.STAFF_CREATE,
        member,
        summary=_label(member),
        details={"role": role, "temporary_password": temporary is not None},
    )
    return NewAccount(user=member, temporary_password=temporary)


def keep_a_manager(member: User, *, role: str, is_active: bool) -> None:
    """409 when the change would leave the member's practice without an active practice
    manager. Takes the practice's row lock first, as the database's trigger does on
    PostgreSQL, so two managers demoting each other at once cannot both succeed."""
    losing = (
        member.role == Role.PRACTICE_MANAGER
        and member.is_active
        and not (role == Role.PRACTICE_MANAGER and is_active)
    )
    if not losing or member.practice_id is None:
        return
    Practice.objects.select_for_update().filter(pk=member.practice_id).first()
    others = User.objects.filter(
        practice_id=member.practice_id, role=Role.PRACTICE_MANAGER, is_active=True
    ).exclude(pk=member.pk)
    if not others.exists():
        raise Conflict(
            "The practice keeps at least one active practice manager: make someone else "
            "a manager first.",
            "last_manager",
        )


def _save_keeping_a_manager(member: User, fields: list[str]) -> None:
    try:
        with transaction.atomic():  # a savepoint: the trigger's refusal answers a 409
            member.save(update_fields=fields)
    except IntegrityError as exc:
        raise Conflict(
            "The practice keeps at least one active practice manager: make someone else "
            "a manager first.",
            "last_manager",
        ) from exc


@transaction.atomic
def update_staff(*, actor, member: User, **changes: str) -> User:
    """Changes names, e-mail or role. A manager cannot change their own role (the
    practice would risk losing its last manager)."""
    require_practice_manager(actor, "manage staff accounts")
    _member(actor, member)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput({name: ["This field cannot be changed."] for name in sorted(unknown)})
    changes = {name: (value or "").strip() for name, value in changes.items()}
    if "role" in changes:
        _check_role(changes["role"])
        if member.pk == actor.pk and changes["role"] != member.role:
            raise Conflict("You cannot change your own role.", "own_role")
    changed = [name for name, value in changes.items() if getattr(member, name) != value]
    if not changed:
        return member
    before = {name: getattr(member, name) for name in changed if name == "role"}
    for name in changed:
        setattr(member, name, changes[name])
    try:
        member.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from exc
    if before:
        keep_a_manager(
            User(
                pk=member.pk,
                practice_id=member.practice_id,
                role=before["role"],
                is_active=member.is_active,
            ),
            role=member.role,
            is_active=member.is_active,
        )
    _save_keeping_a_manager(member, changed)
    details: dict = {"fields": changed}
    if before:
        details["role"] = [before["role"], member.role]
    audit.record(actor, Action.STAFF_UPDATE, member, summary=_label(member), details=details)
    return member


@transaction.atomic
def deactivate_staff(*, actor, member: User) -> User:
    """The member can no longer sign in; they are signed out at once (browser and API).
    Their records keep naming them."""
    require_practice_manager(actor, "manage staff accounts")
    _member(actor, member)
    if member.pk == actor.pk:
        raise Conflict("You cannot deactivate your own account.", "own_account")
    if not member.is_active:
        return member
    keep_a_manager(member, role=member.role, is_active=False)
    member.is_active = False
    _save_keeping_a_manager(member, ["is_active"])
    end_sessions_and_tokens(member)
    audit.record(actor, Action.STAFF_DEACTIVATE, member, summary=_label(member))
    return member


@transaction.atomic
def reactivate_staff(*, actor, member: User) -> User:
    require_practice_manager(actor, "manage staff accounts")
    _member(actor, member)
    if member.is_active:
        return member
    member.is_active = True
    member.save(update_fields=["is_active"])
    audit.record(actor, Action.STAFF_REACTIVATE, member, summary=_label(member))
    return member


@transaction.atomic
def reset_password(*, actor, member: User) -> str:
    """Gives the member a new temporary password (returned once) and signs them out
    everywhere. A manager changes their own password elsewhere, not here."""
    require_practice_manager(actor, "manage staff accounts")
    _member(actor, member)
    if member.pk == actor.pk:
        raise Conflict("You cannot reset your own password here.", "own_account")
    temporary = generate_temporary_password()
    _check_password(temporary, member)
    member.set_password(temporary)
    member.must_change_password = True
    member.save(update_fields=["password", "must_change_password"])
    end_sessions_and_tokens(member)
    audit.record(actor, Action.STAFF_PASSWORD_RESET, member, summary=_label(member))
    return temporary


@transaction.atomic
def reset_second_factor(*, actor, member: User) -> int:
    """Removes the member's second factor (they lost their phone and their recovery
    codes) and signs them out everywhere; where one is required, they set up a new one
    at their next sign-in. Returns how many devices went; none is not audited."""
    require_practice_manager(actor, "manage staff accounts")
    _member(actor, member)
    if member.pk == actor.pk:
        raise Conflict(
            "You cannot reset your own second factor here: another practice manager can.",
            "own_account",
        )
    removed = second_factor.remove_devices(member)
    if removed:
        end_sessions_and_tokens(member)
        audit.record(actor, Action.STAFF_SECOND_FACTOR_RESET, member, summary=_label(member))
    return removed


@transaction.atomic
def set_second_factor_policy(*, actor, managers: bool, clinicians: bool) -> Practice:
    """Whether the practice's managers and clinicians must sign in with a second factor.
    It applies at each one's next sign-in (they set one up then)."""
    require_practice_manager(actor, "change the practice's sign-in rules")
    practice = Practice.objects.select_for_update().get(pk=actor.practice_id)
    before = [practice.second_factor_for_managers, practice.second_factor_for_clinicians]
    if before == [managers, clinicians]:
        return practice
    practice.second_factor_for_managers = managers
    practice.second_factor_for_clinicians = clinicians
    practice.save(update_fields=["second_factor_for_managers", "second_factor_for_clinicians"])
    audit.record(
        actor,
        Action.SECOND_FACTOR_POLICY_SET,
        practice,
        summary=practice.name,
        details={
            "managers": [before[0], managers],
            "clinicians": [before[1], clinicians],
        },
    )
    return practice


@transaction.atomic
def unlock(*, actor, member: User) -> int:
    """Lifts the sign-in lock-out of the member's username (settings AXES_*: the
    lock-out is per username) by clearing its failed attempts. Returns how many attempt
    records were cleared; clearing nothing changes nothing and is not audited."""
    require_practice_manager(actor, "manage staff accounts")
    _member(actor, member)
    cleared = reset_lockout(username=member.username)
    if cleared:
        audit.record(
            actor,
            Action.STAFF_UNLOCK,
            member,
            summary=_label(member),
            details={"attempt_records_cleared": cleared},
        )
    return cleared
