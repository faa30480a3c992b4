"""API tokens: issued per user and named, shown once, kept as a hash, expiring, revoked by
their owner or the practice manager, and all stopped at once when the account is locked
out, deactivated or has its password reset (mesoplan.staff.end_sessions_and_tokens).

A key is `mp_` and 40 random URL-safe characters (240 bits). Only its SHA-256 is stored:
a copy of the database does not let anyone act as a client. A plain hash suffices (no
salt or slow hash) because the key is random, not chosen by a person.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.models import ApiToken, User
from mesoplan.roles import Role

KEY_PREFIX = "mp_"
# The key's last use is written at most this often (not one write per request).
LAST_USED_EVERY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    """
    >>> hash_key("mp_abc") == hash_key("mp_abc"), len(hash_key("mp_abc"))
    (True, 64)
    """
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def is_live(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and token.expires_at > now


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # shown to the client once; never stored


def live_tokens(now: datetime | None = None) -> QuerySet[ApiToken]:
    now = now or timezone.now()
    return ApiToken.objects.filter(revoked_at__isnull=True, expires_at__gt=now)


@transaction.atomic
def issue_token(user: User, *, name: str, now: datetime | None = None) -> IssuedToken:
    """A new token for the user. Beyond API_TOKEN_MAX_PER_USER live tokens, the least
    recently used ones are revoked (a client that asks for a token at every start would
    otherwise pile them up)."""
    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()  # one issue at a time
    key = KEY_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or "API client",
        key_hash=hash_key(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    keep = settings.API_TOKEN_MAX_PER_USER
    surplus = (
        live_tokens(now)
        .filter(user=user)
        .order_by(Coalesce("last_used_at", "created_at").desc(), "-created_at")
        .values_list("pk", flat=True)[keep:]
    )
    ApiToken.objects.filter(pk__in=list(surplus)).update(revoked_at=now)
    audit.record(
        user,
        Action.API_TOKEN_ISSUE,
        token,
        summary=token.name,
        details={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return IssuedToken(token=token, key=key)


def token_for_key(key: str, now: datetime | None = None) -> ApiToken | None:
    """The live token of an active user with this key, with its user and practice."""
    now = now or timezone.now()
    if not key.startswith(KEY_PREFIX) and len(key) != 40:
        return None  # neither ours nor a migrated key (docs/api.md)
    token = (
        live_tokens(now)
        .select_related("user", "user__practice")
        .filter(key_hash=hash_key(key))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def tokens_visible_to(actor: User) -> QuerySet[ApiToken]:
    """The actor's own tokens; a practice manager sees every token of the practice's
    staff too."""
    tokens = ApiToken.objects.select_related("user", "revoked_by")
    if actor.role == Role.PRACTICE_MANAGER and actor.practice_id is not None:
        return tokens.filter(Q(user=actor) | Q(user__practice_id=actor.practice_id))
    return tokens.filter(user=actor)


@transaction.atomic
def revoke_token(*, actor: User, token: ApiToken) -> ApiToken:
    """Stops the token now. The caller found it through tokens_visible_to (else 404).
    Revoking an expired or revoked token changes nothing."""
    now = timezone.now()
    if not is_live(token, now):
        return token
    token.revoked_at = now
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor,
        Action.API_TOKEN_REVOKE,
        token,
        summary=f"{token.name} of {token.user.display_name}",
        details={"prefix": token.prefix},
    )
    return token


def revoke_all_tokens(user: User) -> int:
    """Every live token of the user stops (lock-out, deactivation, password reset)."""
    return live_tokens().filter(user=user).update(revoked_at=timezone.now())
