"""Product lots and the practice's equipment, as API.md describes them."""

from rest_framework import serializers

from lots.models import Equipment, ProductLot
from lots.services import is_expiring_soon
from mesoplan.api.strict import StrictSerializer


class LotSerializer(serializers.ModelSerializer):
    formulation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="`mesolift` or `mesohair`."
    )
    created_by_name = serializers.CharField(source="created_by.display_name", read_only=True)
    is_expired = serializers.SerializerMethodField(
        help_text="Past its expiry date today (the practice's date): no pass may use it."
    )
    expires_soon = serializers.SerializerMethodField(
        help_text="Unexpired, and expiring within LOT_EXPIRY_WARNING_DAYS (30 by default)."
    )

    class Meta:
        model = ProductLot
        fields = [
            "id",
            "formulation",
            "lot_number",
            "expires_on",
            "created_at",
            "created_by",
            "created_by_name",
            "is_expired",
            "expires_soon",
        ]
        read_only_fields = fields

    def get_is_expired(self, obj) -> bool:
        return obj.expires_on < self.context["today"]

    def get_expires_soon(self, obj) -> bool:
        return is_expiring_soon(obj, self.context["today"])


class LotCreateSerializer(StrictSerializer):
    formulation = serializers.CharField(
        max_length=32, help_text="The formulation's code: `mesolift` or `mesohair`."
    )
    lot_number = serializers.CharField(
        max_length=64, help_text="As printed on the box; unique in the practice, ignoring case."
    )
    expires_on = serializers.DateField(help_text="Today or later: an expired lot is refused.")


class EquipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Equipment
        fields = ["id", "kind", "name", "is_active", "created_at"]
        read_only_fields = fields
