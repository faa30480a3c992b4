"""What a practice manager does with webhook endpoints: register, change, remove, rotate
the secret, send a message again. Managers only; audited; another practice's endpoint is
not found. The secret is handed back once, by register and rotate, and never shown again."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from mesoplan.audit import Action, record
from mesoplan.celery import after_commit
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import require_practice_manager
from mesoplan.tenancy import ensure_in_scope
from mesoplan.visible_text import visible

from . import addresses, fanout, signing
from .models import Endpoint, Event, Message, MessageState
from .tasks import enqueue_delivery

PREVIOUS_SECRET_VALID = timedelta(hours=24)
MAX_ENDPOINTS = 20


@dataclass(frozen=True)
class WithSecret:
    endpoint: Endpoint
    secret: str


def clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        addresses.check_url(url)
    except addresses.Refused as refused:
        raise InvalidInput({"url": [str(refused)]}) from None
    return url


def clean_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise InvalidInput({"events": ["Choose at least one event."]})
    known = set(Event.values)
    unknown = [e for e in events if e not in known]
    if unknown:
        raise InvalidInput({"events": [f"Unknown event: {unknown[0]!s:.60}."]})
    return sorted(set(events), key=Event.values.index)


def clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > 500:
        raise InvalidInput({"description": ["At most 500 characters."]})
    return description if visible(description) else ""


def register(*, actor, url: str, events, description: str = "") -> WithSecret:
    require_practice_manager(actor, "register webhooks")
    url, events, description = clean_url(url), clean_events(events), clean_description(description)
    with transaction.atomic():
        if Endpoint.objects.filter(practice=actor.practice).count() >= MAX_ENDPOINTS:
            raise Conflict(f"A practice has at most {MAX_ENDPOINTS} endpoints.", "too_many")
        fanout.start_cursor(actor.practice)
        secret = signing.new_secret()
        endpoint = Endpoint.objects.create(
            practice=actor.practice,
            url=url,
            events=events,
            description=description,
            secret=secret,
            created_by=actor,
        )
        record(actor, Action.WEBHOOK_CREATE, endpoint, summary=url)
    return WithSecret(endpoint, secret)


def update(*, actor, endpoint: Endpoint, **changes) -> Endpoint:
    """Changes `url`, `events`, `description` or `is_active` (enabling again clears the
    failure streak; the messages still waiting go out with the next sweep)."""
    require_practice_manager(actor, "change webhooks")
    ensure_in_scope(actor, endpoint)
    cleaned: dict = {}
    if "url" in changes:
        cleaned["url"] = clean_url(changes["url"])
    if "events" in changes:
        cleaned["events"] = clean_events(changes["events"])
    if "description" in changes:
        cleaned["description"] = clean_description(changes["description"])
    if "is_active" in changes:
        cleaned["is_active"] = bool(changes["is_active"])
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        enabling = cleaned.get("is_active") and not endpoint.is_active
        for field, value in cleaned.items():
            setattr(endpoint, field, value)
        if enabling:
            endpoint.failing_since, endpoint.disabled_reason = None, ""
        endpoint.save()
        if enabling:
            endpoint.messages.filter(state=MessageState.PENDING).update(
                next_attempt_at=timezone.now()
            )
        record(
            actor, Action.WEBHOOK_UPDATE, endpoint, summary=", ".join(sorted(cleaned)) or "nothing"
        )
    return endpoint


def remove(*, actor, endpoint: Endpoint) -> None:
    require_practice_manager(actor, "remove webhooks")
    ensure_in_scope(actor, endpoint)
    with transaction.atomic():
        record(actor, Action.WEBHOOK_DELETE, endpoint, summary=endpoint.url)
        endpoint.delete()


def rotate_secret(*, actor, endpoint: Endpoint) -> WithSecret:
    """A new secret; the old one signs as well for 24 hours, so receivers can switch."""
    require_practice_manager(actor, "rotate webhook secrets")
    ensure_in_scope(actor, endpoint)
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        secret = signing.new_secret()
        endpoint.previous_secret = endpoint.secret
        endpoint.previous_secret_expires_at = timezone.now() + PREVIOUS_SECRET_VALID
        endpoint.secret = secret
        endpoint.save()
        record(actor, Action.WEBHOOK_ROTATE, endpoint, summary=endpoint.url)
    return WithSecret(endpoint, secret)


def redeliver(*, actor, endpoint: Endpoint, message_id: str) -> Message:
    """Sends a message again at once (a failed one gets a fresh round of retries)."""
    require_practice_manager(actor, "send webhooks again")
    ensure_in_scope(actor, endpoint)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().filter(endpoint=endpoint, pk=message_id).first()
        )
        if message is None:
            raise InvalidInput({"message": ["No such message of this endpoint."]})
        if not endpoint.is_active:
            raise Conflict("Enable the endpoint first.", "endpoint_disabled")
        message.state, message.next_attempt_at, message.leased_until = (
            MessageState.PENDING,
            timezone.now(),
            None,
        )
        message.attempts = 0
        message.save(update_fields=["state", "next_attempt_at", "leased_until", "attempts"])
        record(actor, Action.WEBHOOK_REDELIVER, endpoint, summary=f"{message.event} {message.pk}")
    after_commit(lambda: enqueue_delivery(message.pk))
    return message
