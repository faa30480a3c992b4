"""Adverse events of a session record and their follow-ups, over HTTP."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mesoplan.api.strict import StrictSerializer
from sessions.adverse_events import LONGEST_TEXT, current_outcome
from sessions.models import (
    AdverseEvent,
    AdverseEventFollowUp,
    EventOutcome,
    EventSeverity,
    EventType,
    ProductLot,
)


class EventLotSerializer(serializers.ModelSerializer):
    formulation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = ProductLot
        fields = ["id", "lot_number", "formulation", "expires_on"]
        read_only_fields = fields


class FollowUpSerializer(serializers.ModelSerializer):
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = AdverseEventFollowUp
        fields = ["id", "outcome", "note", "recorded_by", "recorded_by_name", "recorded_at"]
        read_only_fields = fields


class AdverseEventSerializer(serializers.ModelSerializer):
    appointment = serializers.UUIDField(source="session_record.appointment_id", read_only=True)
    lots = EventLotSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    current_outcome = serializers.SerializerMethodField(
        help_text="The outcome as the newest follow-up says (`outcome` without one)."
    )
    recorded_by_name = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = AdverseEvent
        fields = [
            "id",
            "session_record",
            "appointment",
            "patient",
            "type",
            "severity",
            "onset_at",
            "description",
            "action_taken",
            "outcome",
            "current_outcome",
            "lots",
            "follow_ups",
            "recorded_by",
            "recorded_by_name",
            "recorded_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=EventOutcome.choices))
    def get_current_outcome(self, obj) -> str:
        return current_outcome(obj)


class AdverseEventCreateSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=EventType.choices)
    severity = serializers.ChoiceField(choices=EventSeverity.choices)
    onset_at = serializers.DateTimeField(help_text="At or after the session; not ahead of now.")
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONGEST_TEXT
    )
    action_taken = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONGEST_TEXT
    )
    outcome = serializers.ChoiceField(choices=EventOutcome.choices)
    lots = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        max_length=20,
        help_text="Ids of the lots to link, each used in some version of the session. "
        "Omitted: every lot of the record's current version; `[]`: none.",
    )


class FollowUpCreateSerializer(StrictSerializer):
    outcome = serializers.ChoiceField(choices=EventOutcome.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=LONGEST_TEXT
    )
