"""Secrets and signatures as Standard Webhooks v1 says (API.md, Webhooks), with the
`standardwebhooks` library: `whsec_` + base64 of 24 random bytes; `webhook-signature`
is `v1,<base64 HMAC-SHA256>` over `{id}.{timestamp}.{body}`, one per valid secret."""

import base64
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

SECRET_BYTES = 24


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers(message_id: str, sent_at: datetime, body: str, signing_secrets: list[str]) -> dict:
    """The three headers of a delivery; several signatures while two secrets are valid."""
    moment = sent_at.astimezone(UTC)
    signatures = [Webhook(secret).sign(message_id, moment, body) for secret in signing_secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def secrets_of(endpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous for 24 h after a rotation."""
    valid = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires is not None and now < expires:
        valid.append(endpoint.previous_secret)
    return valid
