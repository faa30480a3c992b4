"""Ingredients, formulations and protocols: reference data kept in the database
(DOMAIN.md: where the article is silent, values are editable data, not constants)."""

import uuid

from django.db import models

from .planner import Schedule


class Indication(models.TextChoices):
    SKIN = "skin", "Skin (MesoLift)"
    HAIR = "hair", "Hair loss (MesoHair)"


class Ingredient(models.Model):
    """An active ingredient with a stable code; allergies are matched against these."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    is_catalyst = models.BooleanField(
        default=False,
        help_text="Part of the catalyst ('effect enhancer') shared by every formulation "
        "that includes the catalyst.",
    )

    class Meta:
        ordering = ["-is_catalyst", "name"]

    def __str__(self) -> str:
        return self.name


class Formulation(models.Model):
    """A ready-to-use formulation: the shared catalyst plus its own actives."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    indication = models.CharField(max_length=16, choices=Indication.choices)
    includes_catalyst = models.BooleanField(default=True)
    actives = models.ManyToManyField(
        Ingredient,
        blank=True,
        related_name="formulations",
        help_text="The formulation's own actives, in addition to the catalyst.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Protocol(models.Model):
    """A course protocol (DOMAIN.md, "The course: schedule")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=32, unique=True)
    name = models.CharField(max_length=120)
    indication = models.CharField(max_length=16, choices=Indication.choices)
    formulation = models.ForeignKey(Formulation, on_delete=models.PROTECT, related_name="protocols")
    session_count = models.PositiveSmallIntegerField(default=8)
    maintenance_min_months = models.PositiveSmallIntegerField(default=3)
    maintenance_max_months = models.PositiveSmallIntegerField(default=6)
    # The schedule (DOMAIN.md): sessions 1..initial_sessions weekly or bi-weekly, the rest
    # monthly; how far a session may move off a closed or busy day; its default length.
    initial_sessions = models.PositiveSmallIntegerField(
        default=4, help_text="Sessions in the weekly or bi-weekly part (the rest are monthly)."
    )
    interval_choices = models.JSONField(
        default=list,
        blank=True,
        help_text="Days between the initial sessions a clinician may choose, e.g. [7, 14].",
    )
    months_between_later_sessions = models.PositiveSmallIntegerField(default=1)
    initial_tolerance_days = models.PositiveSmallIntegerField(
        default=1, help_text="How many days an initial session may move off a closed day."
    )
    later_tolerance_days = models.PositiveSmallIntegerField(
        default=3, help_text="How many days a monthly session may move off a closed day."
    )
    session_minutes = models.PositiveSmallIntegerField(default=45)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="protocol_maintenance_window_ordered",
                condition=models.Q(maintenance_min_months__lte=models.F("maintenance_max_months")),
            ),
            models.CheckConstraint(
                name="protocol_has_sessions", condition=models.Q(session_count__gte=1)
            ),
            models.CheckConstraint(
                name="protocol_initial_part_within_course",
                condition=models.Q(initial_sessions__gte=1)
                & models.Q(initial_sessions__lte=models.F("session_count")),
            ),
            models.CheckConstraint(
                name="protocol_session_length_positive", condition=models.Q(session_minutes__gte=5)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def course_name(self) -> str:
        """ "MesoLift course", whether or not the protocol's name says "course"."""
        return self.name if self.name.lower().endswith("course") else f"{self.name} course"

    def schedule(self) -> Schedule:
        """The planner's view of this protocol's schedule."""
        return Schedule(
            session_count=self.session_count,
            initial_sessions=self.initial_sessions,
            interval_choices=tuple(self.interval_choices or (7, 14)),
            months_between_later_sessions=self.months_between_later_sessions,
            initial_tolerance_days=self.initial_tolerance_days,
            later_tolerance_days=self.later_tolerance_days,
            session_minutes=self.session_minutes,
        )


class RangedField(models.TextChoices):
    """The pass values with a plausible range (DOMAIN.md)."""

    DEPTH_MM = "depth_mm", "Depth (mm)"
    SPACING_MM = "spacing_mm", "Spacing (mm)"
    POINTS = "points", "Points"
    VOLUME_ML = "volume_ml", "Volume (ml)"


class PlausibleRange(models.Model):
    """A plausible range of one pass value, for every technique (technique blank) or for
    one: DOMAIN.md keeps these as editable data, checked on every pass. Where a
    technique has its own row it applies on top of the general one (nappage depth at most
    1 mm within the general 0.1 to 4 mm)."""

    id = models.BigAutoField(primary_key=True)
    field = models.CharField(max_length=16, choices=RangedField.choices)
    technique = models.CharField(
        max_length=16,
        blank=True,
        help_text="single_pulse or nappage; blank for every technique.",
    )
    minimum = models.DecimalField(max_digits=8, decimal_places=3)
    maximum = models.DecimalField(max_digits=8, decimal_places=3)

    class Meta:
        ordering = ["field", "technique"]
        constraints = [
            models.UniqueConstraint(fields=["field", "technique"], name="plausible_range_once"),
            models.CheckConstraint(
                name="plausible_range_ordered",
                condition=models.Q(minimum__lte=models.F("maximum")),
            ),
        ]

    def __str__(self) -> str:
        scope = f" ({self.technique})" if self.technique else ""
        return f"{self.get_field_display()}{scope}: {self.minimum} to {self.maximum}"
