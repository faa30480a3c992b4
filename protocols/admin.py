from django.contrib import admin

from protocols.models import Formulation, Ingredient, PlausibleRange, Protocol


@admin.register(Ingredient)
class IngredientAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_catalyst"]
    list_filter = ["is_catalyst"]
    search_fields = ["name", "code"]


@admin.register(Formulation)
class FormulationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "indication", "includes_catalyst"]
    filter_horizontal = ["actives"]


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "indication",
        "formulation",
        "session_count",
        "initial_sessions",
        "interval_choices",
        "session_minutes",
    ]
    list_select_related = ["formulation"]


@admin.register(PlausibleRange)
class PlausibleRangeAdmin(admin.ModelAdmin):
    """DOMAIN.md's plausible pass ranges, editable: every pass is checked against them."""

    list_display = ["field", "technique", "minimum", "maximum"]
