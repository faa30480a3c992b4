"""Sending one message: claimed under a short lease (no row lock is held while the
endpoint answers), posted to the address checked (addresses.resolve) with no redirect
followed, within 15 seconds, then the attempt logged and the next one planned
(retry.SCHEDULE). An endpoint that answers 410, or whose every attempt failed for five
days, is disabled and the practice's managers are told."""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import urllib3
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from mesoplan.audit import Action, record
from mesoplan.models import User
from mesoplan.roles import Role

from . import addresses, retry, signing
from .models import Attempt, Endpoint, Message, MessageState

log = logging.getLogger(__name__)
LEASE = timedelta(seconds=retry.TIMEOUT_SECONDS + 15)
USER_AGENT = "MesoPlan-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def deliver(message_id: str, now=None) -> Attempt | None:
    """One attempt at the message, if it is due and nobody else is sending it."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .select_related("endpoint")
            .filter(pk=message_id, state=MessageState.PENDING)
            .first()
        )
        if message is None or not message.endpoint.is_active:
            return None
        if message.leased_until is not None and message.leased_until > now:
            return None  # another worker is sending it
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return None  # not due yet (a task queued twice)
        message.leased_until = now + LEASE
        message.save(update_fields=["leased_until"])
    began = time.monotonic()
    outcome = post(message, now)
    duration_ms = int((time.monotonic() - began) * 1000)
    return _log_attempt(message.pk, outcome, duration_ms, now)


def post(message: Message, now) -> Outcome:
    endpoint = message.endpoint
    try:
        target = addresses.resolve(endpoint.url)
    except addresses.Refused as refused:
        return Outcome(None, str(refused)[:300])
    headers = {
        **signing.headers(message.pk, now, message.body, signing.secrets_of(endpoint, now)),
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Host": _host_header(target),
    }
    timeout = urllib3.Timeout(total=retry.TIMEOUT_SECONDS)
    address = target.addresses[0]
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, target.port, timeout=timeout, retries=False)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=message.body.encode(),
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        response.read(64 * 1024)  # what the endpoint says is not kept
        response.release_conn()
        return Outcome(
            response.status, "" if 200 <= response.status < 300 else _said(response.status)
        )
    except urllib3.exceptions.NewConnectionError as error:  # a subclass of the timeout
        return Outcome(None, _reason(error)[:300])
    except urllib3.exceptions.TimeoutError:
        return Outcome(None, f"No answer within {retry.TIMEOUT_SECONDS} seconds.")
    except urllib3.exceptions.HTTPError as error:
        return Outcome(None, _reason(error)[:300])
    finally:
        pool.close()


def _said(status: int) -> str:
    if 300 <= status < 400:
        return f"Answered {status} (a redirect is not followed: register the final URL)."
    return f"Answered {status}."


def _reason(error: Exception) -> str:
    inner = getattr(error, "reason", None) or error
    text = str(inner)
    if "refused" in text.lower():
        return "Connection refused."
    return text


def _host_header(target) -> str:
    default = 443 if target.scheme == "https" else 80
    host = f"[{target.host}]" if ":" in target.host else target.host
    return host if target.port == default else f"{host}:{target.port}"


def _log_attempt(message_id: str, outcome: Outcome, duration_ms: int, now) -> Attempt:
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        endpoint = Endpoint.objects.select_for_update().get(pk=message.endpoint_id)
        message.attempts += 1
        message.leased_until = None
        if outcome.succeeded:
            message.state, message.next_attempt_at = MessageState.DELIVERED, None
            endpoint.failing_since = None
        else:
            message.next_attempt_at = retry.next_attempt(message.attempts, now)
            if message.next_attempt_at is None:
                message.state = MessageState.FAILED
            endpoint.failing_since = endpoint.failing_since or now
        message.save(update_fields=["attempts", "leased_until", "state", "next_attempt_at"])
        attempt = Attempt.objects.create(
            message=message,
            number=message.attempts,
            at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=duration_ms,
            succeeded=outcome.succeeded,
            next_retry_at=message.next_attempt_at,
        )
        if outcome.status_code == 410:
            _disable(endpoint, "The endpoint answered 410 Gone.", now)
        elif not outcome.succeeded and retry.should_disable(endpoint.failing_since, now):
            _disable(endpoint, "Every delivery failed for 5 days.", now)
        else:
            endpoint.save(update_fields=["failing_since"])
    return attempt


def _disable(endpoint: Endpoint, reason: str, now) -> None:
    endpoint.is_active = False
    endpoint.disabled_reason = reason
    endpoint.save(update_fields=["is_active", "disabled_reason", "failing_since", "updated_at"])
    # Its waiting messages stay in the log as they are; enabling it again sends them.
    record(None, Action.WEBHOOK_DISABLED, endpoint, summary=f"{endpoint.url}: {reason}")
    managers = User.objects.filter(
        practice_id=endpoint.practice_id, role=Role.PRACTICE_MANAGER, is_active=True
    ).exclude(email="")
    recipients = [m.email for m in managers]
    if recipients:
        transaction.on_commit(lambda: _tell(endpoint.url, reason, recipients))


def _tell(url: str, reason: str, recipients: list[str]) -> None:
    try:
        send_mail(
            "MesoPlan: a webhook endpoint was disabled",
            f"The webhook endpoint {url} was disabled: {reason}\n"
            "Its delivery log shows each attempt. Fix the receiver, then enable it again "
            "under Settings > Webhooks: the messages still waiting are sent then.",
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except OSError:  # the mail server is down: the audit entry and the page still say it
        log.warning("could not tell the managers that webhook %s was disabled", url)
