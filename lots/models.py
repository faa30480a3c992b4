"""What a practice injects with: product lots (traceability, DOMAIN.md) and its registered
equipment (injection devices and needles)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from mesoplan.tenancy import PracticeScopedManager


class ProductLot(models.Model):
    """A lot of one formulation: a pass may use only a registered, unexpired lot of the
    course's formulation. The lot number is unique within the practice, ignoring case (a
    box's "ab12" and "AB12" are one lot)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    practice = models.ForeignKey("mesoplan.Practice", on_delete=models.PROTECT, related_name="+")
    formulation = models.ForeignKey(
        "protocols.Formulation", on_delete=models.PROTECT, related_name="+"
    )
    lot_number = models.CharField(max_length=64)
    expires_on = models.DateField()
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
                "practice", Lower("lot_number"), name="lot_number_unique_in_practice"
            ),
            models.CheckConstraint(name="lot_number_not_blank", condition=~models.Q(lot_number="")),
        ]
        indexes = [models.Index(fields=["practice", "expires_on"], name="lot_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.lot_number} (expires {self.expires_on:%Y-%m-%d})"


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
