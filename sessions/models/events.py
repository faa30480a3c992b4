"""Adverse events (DOMAIN.md: an allergic reaction above all), recorded against a session
and the lot(s) it used, so that a lot recall finds them. Append-only: a later change of
the event's course is a follow-up, not an edit."""

import uuid

from django.conf import settings
from django.db import models

from mesoplan.tenancy import PracticeScopedManager


class EventType(models.TextChoices):
    ALLERGIC_REACTION = "allergic_reaction", "Allergic reaction"
    HAEMATOMA = "haematoma", "Haematoma"
    INFECTION = "infection", "Infection"
    NODULE = "nodule", "Nodule"
    SWELLING = "swelling", "Swelling"
    ERYTHEMA = "erythema", "Persistent redness"
    PAIN = "pain", "Pain"
    HERPES_OUTBREAK = "herpes_outbreak", "Herpes outbreak"
    OTHER = "other", "Other"


class EventSeverity(models.TextChoices):
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class EventOutcome(models.TextChoices):
    """The pharmacovigilance outcome vocabulary (as in ICH E2B)."""

    RECOVERING = "recovering", "Recovering"
    RECOVERED = "recovered", "Recovered"
    RECOVERED_WITH_SEQUELAE = "recovered_with_sequelae", "Recovered with sequelae"
    NOT_RECOVERED = "not_recovered", "Not recovered"
    UNKNOWN = "unknown", "Unknown"


class AdverseEvent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    session_record = models.ForeignKey(
        "clinical_sessions.SessionRecord", on_delete=models.PROTECT, related_name="adverse_events"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="adverse_events"
    )
    type = models.CharField(max_length=32, choices=EventType.choices)
    severity = models.CharField(max_length=16, choices=EventSeverity.choices)
    onset_at = models.DateTimeField()
    description = models.TextField(blank=True)
    action_taken = models.TextField(blank=True)
    outcome = models.CharField(max_length=32, choices=EventOutcome.choices)
    lots = models.ManyToManyField(
        "clinical_sessions.ProductLot", through="AdverseEventLot", related_name="adverse_events"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-onset_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} ({self.get_severity_display()})"


class AdverseEventLot(models.Model):
    """Which lot(s) an adverse event is linked to (append-only, as the event)."""

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(
        "clinical_sessions.ProductLot", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "lot"], name="adverse_event_lot_once")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} / {self.lot_id}"


class AdverseEventFollowUp(models.Model):
    """A later state of an adverse event: its outcome now, and what was done."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="follow_ups")
    outcome = models.CharField(max_length=32, choices=EventOutcome.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    practice_path = "event__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["event", "recorded_at"]

    def __str__(self) -> str:
        return f"Follow-up {self.recorded_at:%Y-%m-%d}: {self.outcome}"
