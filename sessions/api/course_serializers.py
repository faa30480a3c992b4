"""Courses and appointments as API.md describes them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mesoplan.api.strict import StrictSerializer
from sessions.models import Appointment, Combination, Course, CourseTarget


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
        ]
        read_only_fields = fields

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
