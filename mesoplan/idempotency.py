"""Idempotency keys (API.md): the same key and body within 24 hours replays the first
response; another body answers 422; a key whose first request still runs answers 409.

The claim is committed in its own transaction *before* the request's work starts, so a
concurrent request with the same key sees it (the unique constraint decides the race).
"""

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import Conflict
from .models import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255


class KeyReusedWithOtherBody(Exception):
    """The key was used before with a different request (422)."""


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    """Hash of what the request asks for; JSON bodies are compared by content, not spacing."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
        payload = canonical.encode()
    except (ValueError, UnicodeDecodeError, RecursionError):
        payload = body  # not plain JSON: compared byte for byte
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + payload).hexdigest()


def claim_key(
    *, user: Any, key: str, fingerprint: str
) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """Returns (claim, None) for a new key, or (None, done_record) to replay.

    Raises Conflict while the first request is in flight and KeyReusedWithOtherBody when
    the key was used for another request.
    """
    now = timezone.now()
    with transaction.atomic():
        IdempotencyKey.objects.filter(
            user=user, key=key, created_at__lt=now - KEY_LIFETIME
        ).delete()
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(
                    user=user,
                    practice_id=getattr(user, "practice_id", None),
                    key=key,
                    request_hash=fingerprint,
                    created_at=now,
                )
            return claim, None
        except IntegrityError:
            existing = IdempotencyKey.objects.get(user=user, key=key)
    if existing.request_hash != fingerprint:
        raise KeyReusedWithOtherBody
    if existing.state == IdempotencyKey.State.IN_FLIGHT:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed.", "idempotency_in_flight"
        )
    return None, existing


def complete_claim(
    claim: IdempotencyKey, status_code: int, body: Any, headers: dict[str, str]
) -> None:
    claim.state = IdempotencyKey.State.DONE
    claim.status_code = status_code
    claim.response_body = body
    claim.response_headers = headers
    claim.save(update_fields=["state", "status_code", "response_body", "response_headers"])


def release_claim(claim: IdempotencyKey) -> None:
    """The request failed on the server's side: let the client retry with the same key."""
    IdempotencyKey.objects.filter(pk=claim.pk).delete()


def purge_expired_keys(now=None) -> int:
    now = now or timezone.now()
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=now - KEY_LIFETIME).delete()
    return deleted
