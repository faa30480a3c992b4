"""Courses and appointments as API.md describes them."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mesoplan.api.strict import StrictSerializer
from sessions.models import Appointment, AppointmentStatus, Combination, Course, CourseTarget
from sessions.pre_operative import pre_operative_warning
from sessions.recall import maintenance_window


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
            "updated_at",
        ]
        read_only_fields = fields


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
        last = max(a.starts_at for a in active).date()
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
