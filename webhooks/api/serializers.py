"""Webhook endpoints and their delivery log as API.md shows them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mesoplan.api.strict import StrictSerializer
from webhooks.models import Attempt, Endpoint, Event


class EndpointSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = Endpoint
        fields = [
            "id",
            "url",
            "events",
            "description",
            "is_active",
            "disabled_reason",
            "failing_since",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EndpointWithSecretSerializer(EndpointSerializer):
    secret = serializers.SerializerMethodField(
        help_text="`whsec_` + base64: shown in this answer only. Verify each delivery with it."
    )

    class Meta(EndpointSerializer.Meta):
        fields = [*EndpointSerializer.Meta.fields, "secret"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_secret(self, obj) -> str:
        return self.context["secret"]


class EndpointCreateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2000, help_text="https://, or http:// to loopback only.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), min_length=1, max_length=10
    )
    description = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )


class EndpointUpdateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices),
        min_length=1,
        max_length=10,
        required=False,
    )
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class AttemptSerializer(serializers.ModelSerializer):
    message = serializers.CharField(source="message_id", help_text="The `webhook-id`.")
    event = serializers.CharField(source="message.event")
    attempt = serializers.IntegerField(source="number")
    message_state = serializers.CharField(source="message.state")

    class Meta:
        model = Attempt
        fields = [
            "id",
            "message",
            "event",
            "attempt",
            "at",
            "status_code",
            "error",
            "duration_ms",
            "succeeded",
            "next_retry_at",
            "message_state",
        ]
        read_only_fields = fields


class RedeliverSerializer(StrictSerializer):
    message = serializers.CharField(max_length=40, help_text="The message id (`webhook-id`).")
