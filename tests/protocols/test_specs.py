import dataclasses
import doctest

import pytest

import protocols.specs
from protocols.specs import FormulationSpec


def test_specs_doctests_pass():
    assert doctest.testmod(protocols.specs).failed == 0


def test_formulation_spec_is_frozen_and_reexported_by_screening():
    from patients import screening

    spec = FormulationSpec("mesohair", "NWM-MesoHair", {"rutin": "Rutin"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.code = "other"  # type: ignore[misc]
    assert screening.FormulationSpec is FormulationSpec
