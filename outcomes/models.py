"""What the reports will read: outcome measures and photos of a session (DOMAIN.md,
"Outcomes": the network's next goal is quantitative evidence), and the satisfaction survey
of a course (DOMAIN.md, "Outcomes: the Meso-Report"): three levels, one per course, entered
by the clinician or by the patient through a one-time link the practice hands out.

Measures, photos and surveys are append-only (a new measure is a new row); a survey link
is not a clinical record (it is marked used)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from mesoplan.date_display import in_active_zone, practice_date
from mesoplan.storage import photo_storage
from mesoplan.tenancy import PracticeScopedManager
from protocols.regions import Region


class GaisScore(models.IntegerChoices):
    """The Global Aesthetic Improvement Scale, as the investigator rates it."""

    EXCEPTIONAL = 1, "1 · Exceptional improvement"
    VERY_IMPROVED = 2, "2 · Very improved"
    IMPROVED = 3, "3 · Improved"
    UNALTERED = 4, "4 · No change"
    WORSENED = 5, "5 · Worse"


class OutcomeMeasure(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session_record = models.ForeignKey(
        "clinical_sessions.SessionRecord", on_delete=models.PROTECT, related_name="measures"
    )
    gais = models.PositiveSmallIntegerField(choices=GaisScore.choices, null=True, blank=True)
    hair_density_per_cm2 = models.PositiveIntegerField(null=True, blank=True)
    patient_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The patient's own rating, 0 (worst) to 10 (best)."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    practice_path = "session_record__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["session_record", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                name="measure_has_a_value",
                condition=Q(gais__isnull=False)
                | Q(hair_density_per_cm2__isnull=False)
                | Q(patient_rating__isnull=False),
            ),
            models.CheckConstraint(
                name="measure_gais_range", condition=Q(gais__isnull=True) | Q(gais__range=(1, 5))
            ),
            models.CheckConstraint(
                name="measure_density_range",
                condition=Q(hair_density_per_cm2__isnull=True)
                | Q(hair_density_per_cm2__range=(1, 1000)),
            ),
            models.CheckConstraint(
                name="measure_rating_range",
                condition=Q(patient_rating__isnull=True) | Q(patient_rating__range=(0, 10)),
            ),
        ]

    def __str__(self) -> str:
        return f"Measures {practice_date(in_active_zone(self.recorded_at))}"


class PhotoPhase(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"


class Photo(models.Model):
    """A clinical photo, stored through Django's storage API under a name that says
    nothing about the patient, and served only through a practice-scoped view."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="photos")
    session_record = models.ForeignKey(
        "clinical_sessions.SessionRecord", on_delete=models.PROTECT, related_name="photos"
    )
    phase = models.CharField(max_length=8, choices=PhotoPhase.choices)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    image = models.FileField(storage=photo_storage, max_length=200)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    byte_size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["session_record", "phase", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} photo {practice_date(in_active_zone(self.uploaded_at))}"


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
        "scheduling.Course", on_delete=models.PROTECT, related_name="survey"
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
        "scheduling.Course", on_delete=models.PROTECT, related_name="survey_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a new link replaced it, or when it was found expired as a new one was made:
    # a course has one open link at a time (the constraint below).
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "course__patient__practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="survey_link_one_open_per_course",
            )
        ]

    def __str__(self) -> str:
        return f"Survey link until {practice_date(in_active_zone(self.expires_at))}"
