"""Demo registry for `manage.py seed_demo`: each practice's equipment and three lots per
formulation (one in use, one expiring soon, one expired last week). Re-running adds
nothing: each row is found by its name or lot number."""

from datetime import date, timedelta

from mesoplan.clock import practice_today
from protocols.models import Formulation

from .models import Equipment, EquipmentKind, ProductLot

EQUIPMENT = [
    (EquipmentKind.DEVICE, "Compressor injection gun"),
    (EquipmentKind.NEEDLE, "32G x 4 mm"),
    (EquipmentKind.NEEDLE, "30G x 13 mm"),
]
# (suffix, days from today until it expires): in use, expiring soon, expired last week.
LOTS = [("A", 400), ("B", 21), ("C", -6)]


def equipment_and_lots(practice, user, today: date) -> dict[str, list[ProductLot]]:
    """The practice's equipment and three lots per formulation, oldest box first."""
    for kind, name in EQUIPMENT:
        Equipment.objects.get_or_create(practice=practice, kind=kind, name=name)
    lots: dict[str, list[ProductLot]] = {}
    for formulation in Formulation.objects.order_by("code"):
        prefix = "ML" if formulation.code == "mesolift" else "MH"
        for suffix, days in LOTS:
            lot, _ = ProductLot.objects.get_or_create(
                practice=practice,
                lot_number=f"{prefix}-{practice.slug[:3].upper()}-{suffix}",
                defaults={
                    "formulation": formulation,
                    "expires_on": today + timedelta(days=days),
                    "created_by": user,
                },
            )
            lots.setdefault(formulation.code, []).append(lot)
    for found in lots.values():
        found.sort(key=lambda lot: lot.expires_on)
    return lots


def seed_demo(staff, patients: int, seed: int) -> list[str]:
    """This app's demo data for `manage.py seed_demo`. The lots are counted on the
    "Sessions" line (outcomes.demo), which reports the clinical demo as a whole."""
    for practice in staff.practices:
        user = practice.staff.order_by("username").first()
        if user is not None:
            equipment_and_lots(practice, user, practice_today(practice))
    return []
