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


@pytest.mark.django_db
@pytest.mark.parametrize("indication", ["skin", "hair"])
def test_one_formulations_spec_is_its_entry_among_the_indications(indication):
    from protocols.models import Formulation
    from protocols.selectors import formulation_spec, formulation_specs

    for formulation in Formulation.objects.filter(indication=indication):
        whole = next(s for s in formulation_specs(indication) if s.code == formulation.code)
        one = formulation_spec(formulation)
        assert (one.code, one.name, dict(one.ingredients)) == (
            whole.code,
            whole.name,
            dict(whole.ingredients),
        )
        assert one.ingredients  # never empty: the catalyst or actives


def test_a_course_is_named_once():
    from protocols.models import Protocol

    assert Protocol(name="MesoLift course").course_name == "MesoLift course"
    assert Protocol(name="MesoHair").course_name == "MesoHair course"
