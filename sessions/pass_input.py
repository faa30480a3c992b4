"""A session's passes as a client sends them (the API's JSON, the browser's form), and
their validation into unsaved rows: the pass rules (sessions.passes), the lot each pass
names (lots.services) and the practice's equipment, every error keyed by the pass's
position."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from lots.lot_numbers import UnreadableLotNumber, lot_key
from lots.models import Equipment, EquipmentKind
from lots.selectors import lots_by_number
from lots.services import lot_problem
from mesoplan.errors import InvalidInput
from mesoplan.tenancy import scoped
from protocols.selectors import plausible_ranges

from .models import Pass
from .passes import PassValues, pass_errors


@dataclass(frozen=True)
class PassInput:
    """One pass as a client sends it: shape already validated, rules not yet."""

    technique: str
    region: str
    depth_mm: Decimal | None
    volume_ml: Decimal | None
    product_lot: str
    spacing_mm: Decimal | None = None
    points: int | None = None
    device: Any = None  # equipment id
    needle: Any = None  # equipment id

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "PassInput":
        return cls(
            technique=data["technique"],
            region=data["region"],
            depth_mm=data.get("depth_mm"),
            volume_ml=data.get("volume_ml"),
            product_lot=str(data.get("product_lot") or ""),
            spacing_mm=data.get("spacing_mm"),
            points=data.get("points"),
            device=data.get("device"),
            needle=data.get("needle"),
        )


def _equipment_of(actor, passes: Sequence[PassInput]) -> dict:
    ids = {str(i) for p in passes for i in (p.device, p.needle) if i}
    if not ids:
        return {}
    return {str(e.pk): e for e in scoped(Equipment, actor).filter(pk__in=ids)}


def validate_passes(
    actor,
    passes: Sequence[PassInput],
    *,
    indication: str,
    formulation_id,
    on: date,
    allow_retired: bool = False,
) -> list[Pass]:
    """Unsaved Pass rows for valid input, else InvalidInput naming each wrong pass's fields
    by its index (`{"passes": {"1": {"depth_mm": [...]}}}`, as DRF reports list items)."""
    if not passes:
        raise InvalidInput({"passes": ["Record at least one pass."]})
    errors = pass_errors(
        [
            PassValues(p.technique, p.region, p.depth_mm, p.spacing_mm, p.points, p.volume_ml)
            for p in passes
        ],
        plausible_ranges(),
        indication,
    )
    lots = lots_by_number(actor, [p.product_lot for p in passes])
    equipment = _equipment_of(actor, passes)
    rows = []
    for index, given in enumerate(passes):
        try:
            lot = lots.get(lot_key(given.product_lot))
            problem = lot_problem(lot, given.product_lot, formulation_id, on)
        except UnreadableLotNumber as exc:
            lot, problem = None, str(exc)
        if not given.product_lot.strip():
            problem = "Name the lot the product came from."
        if problem:
            errors.setdefault(index, {})["product_lot"] = [problem]
        for field, kind in (("device", EquipmentKind.DEVICE), ("needle", EquipmentKind.NEEDLE)):
            wanted = getattr(given, field)
            item = equipment.get(str(wanted)) if wanted else None
            if wanted and (item is None or item.kind != kind):
                errors.setdefault(index, {})[field] = [
                    f"No {EquipmentKind(kind).label.lower()} of this practice has this id."
                ]
            elif item is not None and not item.is_active and not allow_retired:
                errors.setdefault(index, {})[field] = [
                    f"“{item.name}” is retired: choose equipment in use."
                ]
        rows.append(
            Pass(
                position=index + 1,
                technique=given.technique,
                region=given.region,
                depth_mm=given.depth_mm,  # type: ignore[misc]  # checked above
                spacing_mm=given.spacing_mm,
                points=given.points,
                volume_ml=given.volume_ml,  # type: ignore[misc]
                lot=lot,
                device=equipment.get(str(given.device)) if given.device else None,
                needle=equipment.get(str(given.needle)) if given.needle else None,
            )
        )
    if errors:
        raise InvalidInput({"passes": {str(i): errors[i] for i in sorted(errors)}})
    return rows
