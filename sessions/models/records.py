"""The clinical record of a performed session (DOMAIN.md, "A session: how it is
performed"): the pre-session check, the session record with its passes, and amendments.

All four are append-only: services only insert, and the database refuses UPDATE (and on
PostgreSQL DELETE) of their rows (migration 0005). A correction is an amendment: a new
version of the record's passes and notes, with author, time and reason; version 1, the
original, stays readable.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

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
        "clinical_sessions.Appointment", on_delete=models.PROTECT, related_name="checks"
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
        return f"Pre-session check {self.created_at:%Y-%m-%d %H:%M}: {self.outcome}"


class SessionRecord(models.Model):
    """A performed session: one per appointment, which it marks completed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    appointment = models.OneToOneField(
        "clinical_sessions.Appointment", on_delete=models.PROTECT, related_name="session_record"
    )
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="session_records"
    )
    course = models.ForeignKey(
        "clinical_sessions.Course",
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
        return f"Session {self.performed_at:%Y-%m-%d %H:%M}"


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
        return f"Amendment {self.version} at {self.created_at:%Y-%m-%d %H:%M}"


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
    lot = models.ForeignKey(
        "clinical_sessions.ProductLot", on_delete=models.PROTECT, related_name="passes"
    )
    device = models.ForeignKey(
        "clinical_sessions.Equipment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    needle = models.ForeignKey(
        "clinical_sessions.Equipment",
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
        indexes = [models.Index(fields=["lot"], name="pass_lot_idx")]

    def __str__(self) -> str:
        return f"{self.get_technique_display()} {self.get_region_display()}"
