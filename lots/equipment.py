"""The practice's registered equipment (DOMAIN.md: the compressor injection gun and the
needles), kept by its practice managers as data that passes name. Equipment is never
deleted: retired equipment stays for the records that name it, and adding its name again
brings it back.

The service contract (docs/conventions.md): the actor, a practice manager only, another practice's
equipment not found (404), one transaction, an audit entry (EQUIPMENT_SET).
"""

from django.db import transaction
from django.db.models import QuerySet

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.errors import InvalidInput
from mesoplan.roles import require_practice_manager
from mesoplan.tenancy import ensure_in_scope, scoped

from .models import Equipment, EquipmentKind

LONGEST_NAME = Equipment._meta.get_field("name").max_length


def equipment_for(actor) -> QuerySet[Equipment]:
    """The practice's equipment, devices first, then by name."""
    return scoped(Equipment, actor).order_by("kind", "name", "id")


@transaction.atomic
def add_equipment(*, actor, kind: str, name: str) -> Equipment:
    """Adds a device or needle; a retired one of the same kind and name is brought back
    (one row per name, so the records that named it keep pointing at it)."""
    require_practice_manager(actor, "change the practice's equipment")
    name = " ".join((name or "").split())
    errors: dict[str, list[str]] = {}
    if kind not in EquipmentKind.values:
        errors["kind"] = [f'"{kind}" is not one of: {", ".join(EquipmentKind.values)}.']
    if not name:
        errors["name"] = ["Name the device or needle as the practice knows it."]
    elif len(name) > LONGEST_NAME:  # type: ignore[operator]
        errors["name"] = [f"At most {LONGEST_NAME} characters."]
    if errors:
        raise InvalidInput(errors)
    existing = (
        scoped(Equipment, actor).select_for_update().filter(kind=kind, name__iexact=name).first()
    )
    if existing is not None and existing.is_active:
        raise InvalidInput({"name": [f'"{existing.name}" is already registered.']})
    if existing is not None:
        existing.is_active = True
        existing.save(update_fields=["is_active"])
        item, verb = existing, "back in use"
    else:
        item = Equipment.objects.create(practice=actor.practice, kind=kind, name=name)
        verb = "added"
    audit.record(
        actor, Action.EQUIPMENT_SET, item, summary=f"{item.get_kind_display()} {item.name} {verb}"
    )
    return item


@transaction.atomic
def retire_equipment(*, actor, equipment: Equipment) -> Equipment:
    """Takes a device or needle out of use; the records that name it keep it."""
    require_practice_manager(actor, "change the practice's equipment")
    ensure_in_scope(actor, equipment)
    item = Equipment.objects.select_for_update().get(pk=equipment.pk)
    if item.is_active:
        item.is_active = False
        item.save(update_fields=["is_active"])
        audit.record(
            actor,
            Action.EQUIPMENT_SET,
            item,
            summary=f"{item.get_kind_display()} {item.name} retired",
        )
    return item


def equipment_choices(actor) -> dict[str, list[tuple[str, str]]]:
    """{kind: [(id, name)]} of the practice's equipment in use. One query."""
    choices: dict[str, list[tuple[str, str]]] = {"device": [], "needle": []}
    for item in scoped(Equipment, actor).filter(is_active=True).order_by("kind", "name"):
        choices[item.kind].append((str(item.pk), item.name))
    return choices
