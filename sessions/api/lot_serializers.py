"""Product lots, their recall and the practice's equipment, as API.md describes them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mesoplan.api.strict import StrictSerializer
from sessions.adverse_events import current_outcome
from sessions.lots import is_expiring_soon
from sessions.models import AdverseEvent, Equipment, EventOutcome, ProductLot


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


class RecipientPatientSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    phone = serializers.CharField()
    email = serializers.CharField()


class RecipientEventSerializer(serializers.ModelSerializer):
    current_outcome = serializers.SerializerMethodField(
        help_text="The outcome as the newest follow-up says (the event's own without one)."
    )

    class Meta:
        model = AdverseEvent
        fields = ["id", "type", "severity", "onset_at", "outcome", "current_outcome"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=EventOutcome.choices))
    def get_current_outcome(self, obj) -> str:
        return current_outcome(obj)


class RecipientSerializer(serializers.Serializer):
    """One session that received the lot (a `sessions.lot_recall.Recipient`)."""

    patient = RecipientPatientSerializer()
    session_record = serializers.UUIDField(source="record.pk")
    appointment = serializers.UUIDField(source="record.appointment_id")
    performed_at = serializers.DateTimeField(help_text="As the record's current version says.")
    clinician = serializers.UUIDField(source="record.performed_by_id")
    clinician_name = serializers.CharField(source="record.performed_by.display_name")
    regions = serializers.ListField(child=serializers.CharField(), help_text="Region codes.")
    volume_ml = serializers.DecimalField(
        max_digits=8, decimal_places=3, help_text="Total volume injected from this lot."
    )
    in_current_version = serializers.BooleanField(
        help_text="False when only a superseded version of the record named the lot (an "
        "amendment replaced it): kept, since the patient may have received it."
    )
    version = serializers.IntegerField(
        help_text="The record version the regions and volume are read from."
    )
    adverse_events = RecipientEventSerializer(
        many=True, help_text="This session's adverse events linked to the lot."
    )


class EquipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Equipment
        fields = ["id", "kind", "name", "is_active", "created_at"]
        read_only_fields = fields
