"""What a practice injects with: product lots (traceability, DOMAIN.md) and its registered
equipment (injection devices and needles)."""

import uuid

from django.conf import settings
from django.db import models

from mesoplan.date_display import practice_date
from mesoplan.tenancy import PracticeScopedManager

from .lot_numbers import lot_key


class ProductLot(models.Model):
    """A lot of one formulation: a pass may use only a registered, unexpired lot of the
    course's formulation. A lot number means one box in the practice: `number_key`, its
    folding by lots.lot_numbers (Unicode case folding and NFKC, computed in Python so that
    PostgreSQL's and Python's lower-casing never disagree), is unique per practice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    formulation = models.ForeignKey(
        "protocols.Formulation", on_delete=models.PROTECT, related_name="+"
    )
    lot_number = models.CharField(max_length=64)
    number_key = models.CharField(max_length=192, editable=False)
    expires_on = models.DateField()
    # How many session records have a pass from this lot in any of their versions (what the
    # list shows): kept by the treatment room in the transaction that writes the passes
    # (sessions.recording), so the list reads it instead of counting every pass ever made.
    session_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "number_key"], name="lot_number_key_unique_in_practice"
            ),
            models.CheckConstraint(name="lot_number_not_blank", condition=~models.Q(lot_number="")),
        ]
        indexes = [models.Index(fields=["practice", "expires_on"], name="lot_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.lot_number} (expires {practice_date(self.expires_on)})"

    def save(self, *args, **kwargs):
        # The key follows the number it folds, however the row is written (the registry,
        # the demo, the admin): it is the number's identity, not a rule across rows.
        self.number_key = lot_key(self.lot_number)
        if kwargs.get("update_fields") is not None and "lot_number" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "number_key"}
        super().save(*args, **kwargs)


class EquipmentKind(models.TextChoices):
    DEVICE = "device", "Injection device"
    NEEDLE = "needle", "Needle"


class Equipment(models.Model):
    """A device (the compressor injection gun) or needle type the practice uses, as data:
    a pass names the ones it was given with. Retired equipment stays for the records."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=EquipmentKind.choices)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    practice_path = "practice"
    objects = PracticeScopedManager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "equipment"
        constraints = [
            models.UniqueConstraint(fields=["practice", "kind", "name"], name="equipment_name_once")
        ]

    def __str__(self) -> str:
        return self.name
