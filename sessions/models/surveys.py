"""The satisfaction survey of a course (DOMAIN.md, "Outcomes: the Meso-Report"): three
levels, one per course, entered by the clinician or by the patient through a one-time
link the practice hands out."""

import uuid

from django.conf import settings
from django.db import models

from mesoplan.tenancy import PracticeScopedManager


class Rating(models.TextChoices):
    """Drawn red, blue and green in the Meso-Report."""

    LESS_SATISFIED = "less_satisfied", "Less satisfied"
    SATISFIED = "satisfied", "Satisfied"
    VERY_SATISFIED = "very_satisfied", "Very satisfied"


class SurveySource(models.TextChoices):
    CLINICIAN = "clinician", "Entered by the practice"
    PATIENT_LINK = "patient_link", "Answered by the patient"


class Survey(models.Model):
    """Append-only; a course has at most one (the database says so)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.OneToOneField(
        "clinical_sessions.Course", on_delete=models.PROTECT, related_name="survey"
    )
    rating = models.CharField(max_length=16, choices=Rating.choices)
    comment = models.TextField(blank=True)
    source = models.CharField(max_length=16, choices=SurveySource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "course__patient__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Survey: {self.get_rating_display()}"


class SurveyLink(models.Model):
    """A one-time link for the patient to answer the course's survey. Only the SHA-256 of
    its token is kept: the link itself is shown once, when it is made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    course = models.ForeignKey(
        "clinical_sessions.Course", on_delete=models.PROTECT, related_name="survey_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "course__patient__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Survey link until {self.expires_at:%Y-%m-%d}"
