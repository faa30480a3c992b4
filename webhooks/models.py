"""Webhook endpoints, the messages made for them and each delivery attempt."""

import uuid

from django.conf import settings
from django.db import models

from mesoplan.tenancy import PracticeScopedManager


class Event(models.TextChoices):
    APPOINTMENT_CREATED = "appointment.created", "An appointment is booked"
    APPOINTMENT_UPDATED = "appointment.updated", "An appointment changes (time, state)"
    APPOINTMENT_CANCELLED = "appointment.cancelled", "An appointment is cancelled"
    APPOINTMENT_DELETED = "appointment.deleted", "An appointment is deleted"


class Endpoint(models.Model):
    """Where a practice's events go. The secret signs them (`whsec_` + base64); after a
    rotation the previous one signs too until `previous_secret_expires_at`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey(
        "mesoplan.Practice", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    description = models.CharField(max_length=500, blank=True, default="")
    is_active = models.BooleanField(default=True)
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Since when every attempt has failed (none since the last success): 5 days disable it.
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url


def message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class MessageState(models.TextChoices):
    PENDING = "pending", "Waiting to be delivered"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed: no attempts left"


class Message(models.Model):
    """One event for one endpoint: its body is fixed when made, so every retry sends the
    same bytes under the same `webhook-id`."""

    id = models.CharField(primary_key=True, max_length=40, default=message_id, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="messages")
    event = models.CharField(max_length=40, choices=Event.choices)
    # The change of the log it tells of: one message per change and endpoint.
    change_id = models.BigIntegerField()
    body = models.TextField()
    state = models.CharField(
        max_length=16, choices=MessageState.choices, default=MessageState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker is sending it; another worker leaves it alone until then.
    leased_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    practice_path = "endpoint__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "change_id"], name="webhook_message_once_per_change"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state="pending"),
                name="webhook_message_due_idx",
            )
        ]

    def __str__(self) -> str:
        return self.id


class Attempt(models.Model):
    """One delivery attempt: what the endpoint answered (or the error) and how long it took."""

    id = models.BigAutoField(primary_key=True)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True, default="")
    duration_ms = models.PositiveIntegerField()
    succeeded = models.BooleanField()
    next_retry_at = models.DateTimeField(null=True, blank=True)

    practice_path = "message__endpoint__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["message", "-at"], name="webhook_attempt_log_idx")]

    def __str__(self) -> str:
        return f"{self.message_id} #{self.number}"


class FanOutCursor(models.Model):
    """How far the practice's change log has been turned into messages."""

    practice = models.OneToOneField(
        "mesoplan.Practice", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    xid = models.BigIntegerField(default=0)
    change_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"({self.xid}, {self.change_id})"
