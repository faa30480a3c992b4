"""The clinical record of a performed session (DOMAIN.md, "A session: how it is
performed"): the pre-session check, the session record with its passes and amendments,
and adverse events (DOMAIN.md: an allergic reaction above all), recorded against a
session and the lot(s) it used, so that a lot recall finds them.

All are append-only: services only insert, and the database refuses UPDATE (and on
PostgreSQL DELETE) of their rows (migration 0005). A correction is an amendment: a new
version of the record's passes and notes, with author, time and reason; version 1, the
original, stays readable. A later change of an event's course is a follow-up, not an edit.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from mesoplan.date_display import in_active_zone, practice_date, practice_datetime
from mesoplan.tenancy import PracticeScopedManager
from protocols.regions import Region


class Technique(models.TextChoices):
    """In this order within one region (DOMAIN.md): single-pulse first, then nappage."""

    SINGLE_PULSE = "single_pulse", "Single-pulse"
    NAPPAGE = "nappage", "Nappage"


class PreSessionCheck(models.Model):
    """The re-confirmation before a session of what can change during a course, evaluated
    by the intake's rules engine. A check that defers or excludes is stored on its own:
    no session is recorded with it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="checks"
    )
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    conditions = models.JSONField(default=list)
    new_allergies = models.JSONField(default=list)
    herpes_prophylaxis_given = models.BooleanField(null=True)
    caution_acknowledgement = models.TextField(blank=True)
    findings = models.JSONField(default=list)
    outcome = models.CharField(max_length=16)
    rule_set_version = models.CharField(max_length=32)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Pre-session check {practice_datetime(in_active_zone(self.created_at))}: {self.outcome}"


class SessionRecord(models.Model):
    """A performed session: one per appointment, which it marks completed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="session_record"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="session_records"
    )
    course = models.ForeignKey(
        "scheduling.Course",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session_records",
    )
    formulation = models.ForeignKey(
        "protocols.Formulation", on_delete=models.PROTECT, related_name="+"
    )
    pre_check = models.OneToOneField(PreSessionCheck, on_delete=models.PROTECT, related_name="+")
    performed_at = models.DateTimeField()
    # Where the appointment stood when the session was recorded: a session performed on an
    # earlier day moved its appointment there, and this keeps what was planned.
    planned_starts_at = models.DateTimeField(null=True, blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-performed_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-performed_at"], name="session_patient_idx"),
        ]

    def __str__(self) -> str:
        return f"Session {practice_datetime(in_active_zone(self.performed_at))}"


class SessionAmendment(models.Model):
    """A correction of a session record: version 2, 3, ... of its passes and notes, with
    why. The record's current state is its newest version."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session_record = models.ForeignKey(
        SessionRecord, on_delete=models.PROTECT, related_name="amendments"
    )
    version = models.PositiveSmallIntegerField()
    reason = models.TextField()
    performed_at = models.DateTimeField()
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "session_record__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["session_record", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["session_record", "version"], name="amendment_version_once"
            ),
            models.CheckConstraint(name="amendment_after_original", condition=Q(version__gte=2)),
            models.CheckConstraint(name="amendment_has_reason", condition=~Q(reason="")),
        ]

    def __str__(self) -> str:
        return f"Amendment {self.version} at {practice_datetime(in_active_zone(self.created_at))}"


class Pass(models.Model):
    """One pass of one technique over one region, in the version of the record it belongs
    to (1: the original)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session_record = models.ForeignKey(
        SessionRecord, on_delete=models.PROTECT, related_name="passes"
    )
    version = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField()
    technique = models.CharField(max_length=16, choices=Technique.choices)
    region = models.CharField(max_length=32, choices=Region.choices)
    depth_mm = models.DecimalField(max_digits=4, decimal_places=2)
    spacing_mm = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    points = models.PositiveIntegerField(null=True, blank=True)
    volume_ml = models.DecimalField(max_digits=6, decimal_places=3)
    lot = models.ForeignKey("lots.ProductLot", on_delete=models.PROTECT, related_name="passes")
    device = models.ForeignKey(
        "lots.Equipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    needle = models.ForeignKey(
        "lots.Equipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    practice_path = "session_record__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["session_record", "version", "position"]
        verbose_name_plural = "passes"
        constraints = [
            models.UniqueConstraint(
                fields=["session_record", "version", "position"], name="pass_position_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_technique_display()} {self.get_region_display()}"


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
        "lots.ProductLot", through="AdverseEventLot", related_name="adverse_events"
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
    lot = models.ForeignKey("lots.ProductLot", on_delete=models.PROTECT, related_name="+")

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
        return f"Follow-up {practice_date(in_active_zone(self.recorded_at))}: {self.outcome}"
