"""Session records, their adverse events and a lot's recall as API.md describes them: the
pre-session check and passes in, the record with its current passes and every version
out; adverse events of a record and their follow-ups; each session that received a lot."""

from django.utils.timezone import localdate
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lots.models import ProductLot
from mesoplan.api.strict import StrictSerializer
from patients.contraindications import CONDITIONS
from protocols.regions import Region
from sessions.adverse_events import LONGEST_TEXT, current_outcome
from sessions.models import (
    AdverseEvent,
    AdverseEventFollowUp,
    EventOutcome,
    EventSeverity,
    EventType,
    Pass,
    PreSessionCheck,
    SessionRecord,
    Technique,
)
from sessions.versions import versions_of


class PassInSerializer(StrictSerializer):
    technique = serializers.ChoiceField(choices=Technique.choices)
    region = serializers.ChoiceField(choices=Region.choices)
    # Decimal places as stored; the plausible ranges (data) are checked by the service.
    depth_mm = serializers.DecimalField(max_digits=8, decimal_places=2, coerce_to_string=False)
    spacing_mm = serializers.DecimalField(
        max_digits=8, decimal_places=1, required=False, allow_null=True, coerce_to_string=False
    )
    points = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1_000_000
    )
    volume_ml = serializers.DecimalField(max_digits=8, decimal_places=3, coerce_to_string=False)
    product_lot = serializers.CharField(
        max_length=64, help_text="A registered, unexpired lot number of the course's formulation."
    )
    device = serializers.UUIDField(
        required=False, allow_null=True, help_text="Registered equipment (kind device)."
    )
    needle = serializers.UUIDField(
        required=False, allow_null=True, help_text="Registered equipment (kind needle)."
    )


class SessionCreateSerializer(StrictSerializer):
    performed_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the session was performed; now if omitted."
    )
    conditions = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(CONDITIONS)),
        max_length=len(CONDITIONS),
        help_text="Every condition that applies today (an empty list: none). The screening's "
        "answers still count; pregnancy, acute infection and acute inflammatory dermatosis are "
        "the ones that change during a course.",
    )
    new_allergies = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, default=list, max_length=20
    )
    herpes_prophylaxis_given = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Required (true) for a patient who tends to herpes.",
    )
    caution_acknowledgement = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why to proceed despite a relative contraindication found since the screening.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    passes = PassInSerializer(many=True, max_length=60)  # type: ignore[call-arg]  # DRF 3.14+


class AmendmentCreateSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the record is corrected.")
    passes = PassInSerializer(many=True, max_length=60)  # type: ignore[call-arg]  # DRF 3.14+
    notes = serializers.CharField(required=False, allow_null=True, default=None, max_length=5000)
    performed_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class PassSerializer(serializers.ModelSerializer):
    product_lot = serializers.CharField(source="lot.lot_number")
    depth_mm = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)
    spacing_mm = serializers.DecimalField(
        max_digits=5, decimal_places=1, coerce_to_string=False, allow_null=True
    )
    volume_ml = serializers.DecimalField(max_digits=6, decimal_places=3, coerce_to_string=False)

    class Meta:
        model = Pass
        fields = [
            "technique",
            "region",
            "depth_mm",
            "spacing_mm",
            "points",
            "volume_ml",
            "product_lot",
            "lot",
            "device",
            "needle",
        ]
        read_only_fields = fields


class PreSessionCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = PreSessionCheck
        fields = [
            "id",
            "conditions",
            "new_allergies",
            "herpes_prophylaxis_given",
            "caution_acknowledgement",
            "outcome",
            "findings",
            "rule_set_version",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    performed_at = serializers.DateTimeField()
    notes = serializers.CharField()
    reason = serializers.CharField(help_text="Why it was amended; empty for the original.")
    by = serializers.UUIDField(source="author.pk")
    at = serializers.DateTimeField()
    passes = PassSerializer(many=True)


class SessionRecordSerializer(serializers.ModelSerializer):
    formulation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    pre_check = PreSessionCheckSerializer(read_only=True)
    version = serializers.SerializerMethodField(help_text="The current version (1: never amended).")
    performed_at = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    passes = serializers.SerializerMethodField(help_text="The current version's passes.")
    versions = serializers.SerializerMethodField(
        help_text="Every version, the original first: amendments never change earlier ones."
    )
    planned_starts_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="When the appointment was planned as the session was recorded (null for "
        "records older than this field).",
    )
    moved_to_performed = serializers.SerializerMethodField(
        help_text="True when the session was performed on an earlier day than planned: its "
        "appointment moved to when it was performed (the course's later sessions did not)."
    )

    class Meta:
        model = SessionRecord
        fields = [
            "id",
            "appointment",
            "patient",
            "course",
            "formulation",
            "performed_at",
            "planned_starts_at",
            "moved_to_performed",
            "performed_by",
            "notes",
            "version",
            "passes",
            "pre_check",
            "versions",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def _versions(self, obj):
        cache = getattr(obj, "_versions_cache", None)
        if cache is None:
            cache = obj._versions_cache = versions_of(obj)
        return cache

    def get_moved_to_performed(self, obj) -> bool:
        planned = obj.planned_starts_at
        return planned is not None and localdate(planned) > localdate(obj.performed_at)

    def get_version(self, obj) -> int:
        return self._versions(obj)[-1].version

    @extend_schema_field(serializers.DateTimeField())
    def get_performed_at(self, obj):
        return serializers.DateTimeField().to_representation(self._versions(obj)[-1].performed_at)

    def get_notes(self, obj) -> str:
        return self._versions(obj)[-1].notes

    @extend_schema_field(PassSerializer(many=True))
    def get_passes(self, obj) -> list[dict]:
        return list(PassSerializer(self._versions(obj)[-1].passes, many=True).data)

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, obj) -> list[dict]:
        return list(VersionSerializer(self._versions(obj), many=True).data)


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
