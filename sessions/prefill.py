"""What the session form starts from: the patient's previous session's regions with
their depths, spacing, points and volumes, and its lot if that lot may still be used.
Nothing else: a value the patient did not receive before starts empty, so that no
session is recorded with a number nobody typed (a first session starts empty). A lot
linked to one of the patient's adverse events is never pre-selected. Pure."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lots.lot_numbers import lot_key

from .passes import NAPPAGE, SINGLE_PULSE, number_text


@dataclass(frozen=True)
class RegionPlan:
    """One region's starting values: each technique's values, whether it was done."""

    region: str
    techniques: dict[str, dict[str, Any]] = field(default_factory=dict)
    done: frozenset[str] = frozenset()
    lot: str = ""


@dataclass(frozen=True)
class Prefill:
    regions: tuple[str, ...]  # selected at the start, in the previous session's order
    plans: dict[str, RegionPlan]
    device: Any = None
    needle: Any = None
    from_previous: bool = False


def prefill(
    previous: Sequence[Any] | None,
    all_regions: Iterable[str],
    usable_lots: Sequence[str],
    linked_to_events: Iterable[str] = (),
) -> Prefill:
    """The form's start from the previous session's passes (objects with technique,
    region, depth_mm, spacing_mm, points, volume_ml, lot.lot_number, device_id, needle_id);
    every other value empty. A lot no longer usable is left out (the form then offers the
    first usable one); a lot in `linked_to_events` (linked to an adverse event of the
    patient) is neither kept nor offered first: the clinician picks a lot.

    >>> from types import SimpleNamespace as P
    >>> old = [P(technique="nappage", region="chin", depth_mm=Decimal("0.4"), spacing_mm=None,
    ...          points=None, volume_ml=Decimal("1"), lot=P(lot_number="OLD"), device_id=None, needle_id=None)]
    >>> start = prefill(old, ["chin", "neck"], ["NEW"])
    >>> start.regions, start.plans["chin"].done, start.plans["chin"].lot
    (('chin',), frozenset({'nappage'}), '')
    >>> start.plans["chin"].techniques["nappage"]["depth_mm"], start.plans["neck"].techniques
    (Decimal('0.4'), {'single_pulse': {}, 'nappage': {}})
    >>> linked = prefill(old, ["chin", "neck"], ["OLD", "NEW"], linked_to_events=["old"])
    >>> linked.plans["chin"].lot, linked.plans["neck"].lot
    ('', 'NEW')
    """
    suspect = {lot_key(number) for number in linked_to_events}
    usable = {lot_key(n): n for n in usable_lots if lot_key(n) not in suspect}
    default_lot = next(iter(usable.values()), "")
    plans: dict[str, RegionPlan] = {}
    previous = list(previous or [])
    for region in all_regions:
        mine = [p for p in previous if p.region == region]
        techniques: dict[str, dict[str, Any]] = {SINGLE_PULSE: {}, NAPPAGE: {}}
        lot = default_lot
        for done in mine:
            values = {"depth_mm": done.depth_mm, "volume_ml": done.volume_ml}
            if done.technique == SINGLE_PULSE:
                values |= {"spacing_mm": done.spacing_mm, "points": done.points}
            techniques[done.technique] = {k: _plain(v) for k, v in values.items() if v is not None}
            lot = usable.get(lot_key(done.lot.lot_number), "")
        plans[region] = RegionPlan(
            region=region,
            techniques=techniques,
            done=frozenset(p.technique for p in mine)
            if mine
            else frozenset({SINGLE_PULSE, NAPPAGE}),
            lot=lot,
        )
    regions = tuple(dict.fromkeys(p.region for p in previous))
    first = previous[0] if previous else None
    return Prefill(
        regions=regions,
        plans=plans,
        device=getattr(first, "device_id", None),
        needle=getattr(first, "needle_id", None),
        from_previous=bool(previous),
    )


def _plain(value: Any) -> Any:
    """A stored 0.70 starts the form as 0.7; whole numbers stay whole.

    >>> _plain(Decimal("0.70")), _plain(20)
    (Decimal('0.7'), 20)
    """
    return Decimal(number_text(value)) if isinstance(value, Decimal) else value
