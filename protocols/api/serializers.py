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
        ]
