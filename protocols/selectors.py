"""Reads of the reference data that screening, views and the API share."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from protocols.models import Formulation, Ingredient, PlausibleRange, Protocol
from protocols.specs import FormulationSpec, RangeSpec


def formulation_specs(indication: str) -> list[FormulationSpec]:
    """The indication's formulations with every ingredient (catalyst included), read from
    the database as the screening engine needs them. Two queries."""
    catalyst = list(Ingredient.objects.filter(is_catalyst=True))
    specs = []
    for formulation in Formulation.objects.filter(indication=indication).prefetch_related(
        "actives"
    ):
        ingredients = {i.code: i.name for i in formulation.actives.all()}
        if formulation.includes_catalyst:
            ingredients.update({i.code: i.name for i in catalyst})
        specs.append(
            FormulationSpec(code=formulation.code, name=formulation.name, ingredients=ingredients)
        )
    return specs


def formulation_spec(formulation: Formulation) -> FormulationSpec:
    """One formulation (its row already read) as the screening engine needs it: its own
    actives and, where it includes it, the catalyst. One query; the same spec as its
    entry in `formulation_specs`."""
    which = Q(formulations=formulation)
    if formulation.includes_catalyst:
        which |= Q(is_catalyst=True)
    rows = Ingredient.objects.filter(which).order_by().values_list("code", "name").distinct()
    return FormulationSpec(code=formulation.code, name=formulation.name, ingredients=dict(rows))


def all_ingredients() -> QuerySet[Ingredient]:
    return Ingredient.objects.prefetch_related("formulations").order_by("-is_catalyst", "name")


def protocols_with_formulations() -> QuerySet[Protocol]:
    return Protocol.objects.select_related("formulation").prefetch_related(
        Prefetch("formulation__actives", queryset=Ingredient.objects.order_by("name"))
    )


def catalyst_ingredients() -> list[Ingredient]:
    return list(Ingredient.objects.filter(is_catalyst=True).order_by("name"))


@dataclass(frozen=True)
class IngredientNames:
    """What pages need to name ingredients: {code: name}, which are in the catalyst, and
    the formulations that include the catalyst."""

    names: dict[str, str]
    catalyst: frozenset[str]
    catalyst_formulations: tuple[str, ...]
    formulations: dict[str, str]  # code -> name


def ingredient_names() -> IngredientNames:
    """Two queries, whatever the number of ingredients and formulations."""
    ingredients = list(Ingredient.objects.only("code", "name", "is_catalyst"))
    formulations = list(
        Formulation.objects.order_by("name").values_list("code", "name", "includes_catalyst")
    )
    return IngredientNames(
        names={i.code: i.name for i in ingredients},
        catalyst=frozenset(i.code for i in ingredients if i.is_catalyst),
        catalyst_formulations=tuple(name for _, name, has in formulations if has),
        formulations={code: name for code, name, _ in formulations},
    )


def plausible_ranges() -> tuple[RangeSpec, ...]:
    """DOMAIN.md's plausible pass ranges as the session rules take them. One query."""
    return tuple(
        RangeSpec(r.field, r.technique or None, r.minimum, r.maximum)
        for r in PlausibleRange.objects.all()
    )
