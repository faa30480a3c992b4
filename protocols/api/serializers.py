from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from protocols.models import Formulation, Ingredient, Protocol


class IngredientSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ingredient
        fields = ["code", "name", "is_catalyst"]


class FormulationSerializer(serializers.ModelSerializer):
    ingredients = serializers.SerializerMethodField()

    class Meta:
        model = Formulation
        fields = ["code", "name", "indication", "includes_catalyst", "ingredients"]

    @extend_schema_field(IngredientSerializer(many=True))
    def get_ingredients(self, obj) -> list[dict]:
        catalyst = self.context.get("catalyst", []) if obj.includes_catalyst else []
        return list(IngredientSerializer([*catalyst, *obj.actives.all()], many=True).data)


class ProtocolSerializer(serializers.ModelSerializer):
    formulation = FormulationSerializer()
    interval_choices = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Days between the initial sessions a course may use (e.g. 7 or 14).",
    )

    class Meta:
        model = Protocol
        fields = [
            "code",
            "name",
            "indication",
            "formulation",
            "session_count",
            "maintenance_min_months",
            "maintenance_max_months",
            "initial_sessions",
            "interval_choices",
            "months_between_later_sessions",
            "initial_tolerance_days",
            "later_tolerance_days",
            "session_minutes",
        ]
