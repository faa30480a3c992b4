"""Frozen, ORM-free views of the reference data for the pure rule engines.

`protocols.selectors` builds them from database rows; engines in the apps above
(patients' screening, later the course planner) take them as plain values.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class FormulationSpec:
    """A formulation as screening needs it: code, name, {ingredient code: name},
    the catalyst's ingredients included where the formulation contains it.

    >>> FormulationSpec("mesolift", "NWM-MesoLift", {"dmae": "DMAE"}).ingredients["dmae"]
    'DMAE'
    """

    code: str
    name: str
    ingredients: Mapping[str, str]


@dataclass(frozen=True)
class RangeSpec:
    """A plausible range of one pass value; `technique` None applies to every technique.

    >>> from decimal import Decimal
    >>> RangeSpec("depth_mm", None, Decimal("0.1"), Decimal("4")).maximum
    Decimal('4')
    """

    field: str
    technique: str | None
    minimum: Decimal
    maximum: Decimal
