"""Ingredients, formulations and protocols: reference data kept in the database
(DOMAIN.md: where the article is silent, values are editable data, not constants)."""

import uuid

from django.db import models


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
        ]

    def __str__(self) -> str:
        return self.name
