"""Courses, appointments and each clinician's calendar feed as API.md describes them."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from mesoplan.api.serializers import ClinicianSerializer
from mesoplan.api.strict import StrictSerializer
from mesoplan.clock import practice_zone
from scheduling.calendar_feed import feed_path
from scheduling.models import (
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CancellationReason,
    Combination,
    Course,
    CourseTarget,
)
from scheduling.pre_operative import pre_operative_warning
from scheduling.recall import maintenance_window
from scheduling.representation import appointment_representation


class AppointmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appointment
        fields = [
            "id",
            "patient",
            "clinician",
            "course",
            "kind",
            "sequence",
            "starts_at",
            "ends_at",
            "status",
            "arrived_at",
            "cancellation_reason",
            "cancellation_note",
            "version",
            "updated_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "arrived_at": {"help_text": "When the patient checked in; null until then."},
            "cancellation_reason": {"help_text": "Why it was cancelled; empty if not said."},
            "version": {
                "help_text": "Rises by one with each change: of two copies, the higher is newer."
            },
        }

    def to_representation(self, instance) -> dict:
        """Built directly (scheduling.representation): DRF's field machinery cost a page
        of 50 appointments twenty times its SQL (issue 16). A test holds it to DRF's own."""
        return appointment_representation(instance, timezone.get_current_timezone())


class CourseSerializer(serializers.ModelSerializer):
    protocol: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    appointments = serializers.SerializerMethodField()
    maintenance_window = serializers.SerializerMethodField(
        help_text="When the next maintenance session is due (3-6 months after the last "
        "session); null while sessions are still to come."
    )
    warnings = serializers.SerializerMethodField(
        help_text="Things the clinician should know, e.g. fewer than two sessions before "
        "the operation date of a pre-operative course."
    )

    class Meta:
        model = Course
        fields = [
            "id",
            "patient",
            "protocol",
            "clinician",
            "screening",
            "initial_interval_days",
            "targets",
            "combinations",
            "operation_date",
            "status",
            "ended_reason",
            "ended_at",
            "created_at",
            "appointments",
            "maintenance_window",
            "warnings",
        ]
        read_only_fields = fields

    def _active(self, obj) -> list:
        return [a for a in obj.appointments.all() if a.status != AppointmentStatus.CANCELLED]

    @extend_schema_field(
        serializers.DictField(
            child=serializers.DateField(), allow_null=True, help_text="from, until"
        )
    )
    def get_maintenance_window(self, obj) -> dict | None:
        active = self._active(obj)
        if not active or any(a.starts_at > timezone.now() for a in active):
            return None
        # The practice's date of the last session: the UTC date is a day off far from UTC.
        last = (
            max(a.starts_at for a in active).astimezone(practice_zone(obj.patient.practice)).date()
        )
        due_from, due_until = maintenance_window(
            last, obj.protocol.maintenance_min_months, obj.protocol.maintenance_max_months
        )
        return {"from": due_from, "until": due_until}

    def get_warnings(self, obj) -> list[str]:
        starts = [a.starts_at for a in self._active(obj)]
        warning = pre_operative_warning(starts, obj.operation_date, obj.patient.practice.zone)
        return [warning] if warning else []

    @extend_schema_field(AppointmentSerializer(many=True))
    def get_appointments(self, obj) -> list[dict]:
        rows = sorted(obj.appointments.all(), key=lambda a: (a.sequence or 0, a.starts_at))
        return list(AppointmentSerializer(rows, many=True).data)


class CourseCreateSerializer(StrictSerializer):
    patient = serializers.UUIDField()
    protocol = serializers.CharField(max_length=32)
    clinician = serializers.UUIDField()
    start = serializers.DateTimeField()
    initial_interval_days = serializers.IntegerField(min_value=1, max_value=60)
    targets = serializers.ListField(
        child=serializers.ChoiceField(choices=CourseTarget.choices),
        required=False,
        default=list,
        max_length=10,
    )
    combinations = serializers.ListField(
        child=serializers.ChoiceField(choices=Combination.choices),
        required=False,
        default=list,
        max_length=10,
    )
    operation_date = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_serializer(component_name="Clinician")
class ClinicianWithFeedSerializer(ClinicianSerializer):
    """The clinician as API.md lists them: staff fields plus the private feed URL."""

    feed_url = serializers.SerializerMethodField(
        help_text=(
            "Private iCalendar subscription URL (no patient names); revocable. Shown to the "
            "clinician themself only: null for everyone else, managers included."
        )
    )

    class Meta(ClinicianSerializer.Meta):
        fields = [*ClinicianSerializer.Meta.fields, "feed_url"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_feed_url(self, obj) -> str | None:
        # The URL works without credentials: whoever holds it reads the calendar, so a
        # colleague listing the practice's clinicians must not receive it.
        request = self.context.get("request")
        if request is None or request.user.pk != obj.pk:
            return None
        return request.build_absolute_uri(feed_path(obj))


class AppointmentCreateSerializer(StrictSerializer):
    patient = serializers.UUIDField()
    clinician = serializers.UUIDField()
    kind = serializers.ChoiceField(
        choices=[AppointmentKind.CONSULTATION, AppointmentKind.MAINTENANCE]
    )
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


# The representation's fields a move may carry back unchanged (API.md: "A client may
# write back the representation it read"); `updated_at` and `version` are the server's
# and ignored (If-Match is how a client says which version it changes).
WRITTEN_BACK = (
    "id",
    "patient",
    "clinician",
    "course",
    "kind",
    "sequence",
    "status",
    "arrived_at",
    "cancellation_reason",
    "cancellation_note",
)


class AppointmentMoveSerializer(StrictSerializer):
    """A move: `starts_at` alone keeps the length; with `ends_at`, a new length. The
    rest of the appointment's representation may come back as it was read."""

    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(
        required=False, help_text="A new end (a new length); without it the length is kept."
    )
    id = serializers.UUIDField(required=False, help_text="Ignored when unchanged.")
    patient = serializers.UUIDField(required=False, help_text="Ignored when unchanged.")
    clinician = serializers.UUIDField(required=False, help_text="Ignored when unchanged.")
    course = serializers.UUIDField(
        required=False, allow_null=True, help_text="Ignored when unchanged."
    )
    kind = serializers.CharField(required=False, help_text="Ignored when unchanged.")
    sequence = serializers.IntegerField(
        required=False, allow_null=True, help_text="Ignored when unchanged."
    )
    status = serializers.CharField(required=False, help_text="Ignored when unchanged.")
    arrived_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Ignored when unchanged."
    )
    cancellation_reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Ignored when unchanged."
    )
    cancellation_note = serializers.CharField(
        required=False, allow_blank=True, help_text="Ignored when unchanged."
    )
    updated_at = serializers.DateTimeField(required=False, help_text="Ignored.")
    version = serializers.IntegerField(required=False, help_text="Ignored.")

    def validate(self, attrs):
        ends_at = attrs.get("ends_at")
        if ends_at is not None:
            length = ends_at - attrs["starts_at"]
            if length <= timedelta(0):
                raise serializers.ValidationError({"ends_at": ["The end must be after the start."]})
            if length > LONGEST_APPOINTMENT:
                raise serializers.ValidationError(
                    {"ends_at": ["An appointment lasts at most 12 hours."]}
                )
        return attrs

    def changed_fields(self, appointment) -> dict:
        """{field: error} for the written-back fields that differ from the appointment."""
        current = {
            "id": appointment.pk,
            "patient": appointment.patient_id,
            "clinician": appointment.clinician_id,
            "course": appointment.course_id,
            "kind": appointment.kind,
            "sequence": appointment.sequence,
            "status": appointment.status,
            "arrived_at": appointment.arrived_at,
            "cancellation_reason": appointment.cancellation_reason,
            "cancellation_note": appointment.cancellation_note,
        }
        return {
            name: ["A move cannot change this; it was left as it is."]
            for name in WRITTEN_BACK
            if name in self.validated_data and self.validated_data[name] != current[name]
        }

    def length(self):
        ends_at = self.validated_data.get("ends_at")
        return None if ends_at is None else ends_at - self.validated_data["starts_at"]


class AppointmentCancelSerializer(StrictSerializer):
    """Why the appointment is cancelled: optional for API clients, asked in the browser."""

    reason = serializers.ChoiceField(
        choices=CancellationReason.choices, required=False, default="", allow_blank=True
    )
    note = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text='A few words; needed when the reason is "other".',
    )

    def validate(self, attrs):
        if attrs["reason"] == CancellationReason.OTHER and not attrs["note"].strip():
            raise serializers.ValidationError({"note": ["Say why in a few words."]})
        return attrs


class MoveQuerySerializer(serializers.Serializer):
    """The move's query: `dry_run=true` answers the proposal and saves nothing;
    `proposal` (a dry run's token) makes the move a 409 `proposal_changed` when it would
    now do anything else."""

    dry_run = serializers.BooleanField(required=False, default=False)
    proposal = serializers.CharField(required=False, max_length=64, default=None)


class MoveChangeSerializer(serializers.Serializer):
    """One appointment a move changes (scheduling.move_proposal.ProposedMove)."""

    id = serializers.UUIDField(source="appointment.pk")
    sequence = serializers.IntegerField(allow_null=True)
    starts_at_before = serializers.DateTimeField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    reason = serializers.CharField(
        help_text='Why it goes there: "chosen time", "keeps the interval: 7 days after '
        'session 2", "moved 1 day earlier: Saturday 14 Mar is closed (...)".'
    )


class MoveDryRunSerializer(serializers.Serializer):
    """What the move would do (scheduling.move_proposal.MoveProposal); nothing saved."""

    dry_run = serializers.SerializerMethodField(help_text="Always true: nothing was saved.")
    proposal = serializers.CharField(
        source="token",
        help_text="Send it back as `?proposal=` with the real update: if the move would "
        "then do anything else, it answers 409 `proposal_changed` and moves nothing.",
    )
    changes = MoveChangeSerializer(
        many=True,
        help_text="Every appointment that would change, in the course's order; those that "
        "stay where they are are not listed.",
    )

    @extend_schema_field(serializers.BooleanField())
    def get_dry_run(self, obj) -> bool:
        return True


class CourseEndSerializer(StrictSerializer):
    reason = serializers.CharField(
        max_length=1000, help_text="Why the course ends before its last session (required)."
    )
