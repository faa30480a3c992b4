"""The rules of a session's passes (DOMAIN.md, "A session: how it is performed"): values
within the plausible ranges (data, read by `protocols.selectors.plausible_ranges`),
regions the course's indication treats, and within one region no single-pulse pass after
a nappage pass. Pure: plain values in, errors keyed by field out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from protocols.regions import region_label, regions_for
from protocols.specs import RangeSpec

SINGLE_PULSE = "single_pulse"
NAPPAGE = "nappage"

# The values each technique needs: spacing and points describe single-pulse injections
# (DOMAIN.md); nappage is a continuous pass, so they are optional for it.
REQUIRED = {
    SINGLE_PULSE: ("depth_mm", "spacing_mm", "points", "volume_ml"),
    NAPPAGE: ("depth_mm", "volume_ml"),
}
UNITS = {"depth_mm": " mm", "spacing_mm": " mm", "points": "", "volume_ml": " ml"}
LABELS = {"depth_mm": "Depth", "spacing_mm": "Spacing", "points": "Points", "volume_ml": "Volume"}
TECHNIQUE_NAMES = {SINGLE_PULSE: "single-pulse", NAPPAGE: "nappage"}


@dataclass(frozen=True)
class PassValues:
    technique: str
    region: str
    depth_mm: Decimal | None = None
    spacing_mm: Decimal | None = None
    points: int | None = None
    volume_ml: Decimal | None = None


PassErrors = dict[int, dict[str, list[str]]]  # pass index -> field -> messages


def number_text(value: Decimal | int) -> str:
    """The shortest text of a number.

    >>> number_text(Decimal("4.000")), number_text(Decimal("0.010")), number_text(500)
    ('4', '0.01', '500')
    """
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def range_for(field: str, technique: str, ranges: Sequence[RangeSpec]) -> RangeSpec | None:
    """The narrowest range that applies: the technique's own row over the general one.

    >>> general = RangeSpec("depth_mm", None, Decimal("0.1"), Decimal("4"))
    >>> nappage = RangeSpec("depth_mm", "nappage", Decimal("0.1"), Decimal("1"))
    >>> range_for("depth_mm", "nappage", [general, nappage]).maximum
    Decimal('1')
    >>> range_for("depth_mm", "single_pulse", [general, nappage]).maximum
    Decimal('4')
    """
    own = [r for r in ranges if r.field == field and r.technique == technique]
    general = [r for r in ranges if r.field == field and r.technique is None]
    found = own or general
    return found[0] if found else None


def range_message(field: str, technique: str, spec: RangeSpec) -> str:
    """The message naming the field and its range.

    >>> range_message("depth_mm", "nappage", RangeSpec("depth_mm", "nappage", Decimal("0.1"), Decimal("1")))
    'Depth must be between 0.1 and 1 mm for nappage.'
    """
    scope = f" for {TECHNIQUE_NAMES.get(technique, technique)}" if spec.technique else ""
    return (
        f"{LABELS[field]} must be between {number_text(spec.minimum)} and "
        f"{number_text(spec.maximum)}{UNITS[field]}{scope}."
    )


def value_errors(values: PassValues, ranges: Sequence[RangeSpec]) -> dict[str, list[str]]:
    """Missing values and values outside their plausible range, by field."""
    errors: dict[str, list[str]] = {}
    for field in LABELS:
        value = getattr(values, field)
        if value is None:
            if field in REQUIRED.get(values.technique, ()):
                name = TECHNIQUE_NAMES.get(values.technique, values.technique)
                errors[field] = [f"{LABELS[field]} is required for a {name} pass."]
            continue
        spec = range_for(field, values.technique, ranges)
        if spec is not None and not spec.minimum <= Decimal(value) <= spec.maximum:
            errors[field] = [range_message(field, values.technique, spec)]
    return errors


def order_errors(passes: Sequence[PassValues]) -> PassErrors:
    """Within one region single-pulse comes first: a single-pulse pass after a nappage
    pass over the same region is refused (DOMAIN.md). Other regions are independent.

    >>> order_errors([PassValues("nappage", "chin"), PassValues("single_pulse", "chin")])
    {1: {'technique': ['Chin: single-pulse after nappage. Within a region, single-pulse passes come first.']}}
    >>> order_errors([PassValues("nappage", "chin"), PassValues("single_pulse", "neck")])
    {}
    """
    errors: PassErrors = {}
    napped: set[str] = set()
    for index, values in enumerate(passes):
        if values.technique == NAPPAGE:
            napped.add(values.region)
        elif values.technique == SINGLE_PULSE and values.region in napped:
            label = region_label(values.region)
            errors[index] = {
                "technique": [
                    f"{label}: single-pulse after nappage. Within a region, single-pulse "
                    "passes come first."
                ]
            }
    return errors


def region_errors(values: PassValues, indication: str) -> dict[str, list[str]]:
    """A region the course's indication does not treat (a scalp region in a MesoLift
    course, a face region in a MesoHair course).

    >>> region_errors(PassValues("nappage", "chin"), "hair")
    {'region': ['A hair course treats the scalp: chin is not one of its regions.']}
    """
    if values.region in regions_for(indication):
        return {}
    treats = "the scalp" if indication == "hair" else "face, neck, décolleté and hands"
    return {
        "region": [
            f"A {indication} course treats {treats}: {values.region} is not one of its regions."
        ]
    }


def pass_errors(
    passes: Sequence[PassValues], ranges: Sequence[RangeSpec], indication: str
) -> PassErrors:
    """Every rule over a session's passes, by pass index then field; empty when valid."""
    errors: PassErrors = {}
    for index, values in enumerate(passes):
        found = {**region_errors(values, indication), **value_errors(values, ranges)}
        if found:
            errors[index] = found
    for index, found in order_errors(passes).items():
        errors.setdefault(index, {}).update(found)
    return errors
