"""A report build over HTTP (API.md, "Reports")."""

from rest_framework import serializers

from reports.models import Report


class ReportSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    result = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "kind",
            "status",
            "parameters",
            "requested_by",
            "requested_at",
            "started_at",
            "built_at",
            "build_ms",
            "data_as_of",
            "error",
            "result",
        ]
        read_only_fields = fields

    def get_result(self, report) -> dict | None:
        return report.result if report.status == "done" else None

    def get_error(self, report) -> str | None:
        return report.error if report.status == "failed" else None


class ReportRequestSerializer(serializers.Serializer):
    """For the schema: `kind` and the optional filters (reports.parameters checks them)."""

    kind = serializers.ChoiceField(choices=["meso_report"])
    practice = serializers.UUIDField(required=False)
    to = serializers.DateField(required=False)
    protocol = serializers.CharField(required=False)
    target = serializers.CharField(required=False)
    sex = serializers.CharField(required=False)
    age_band = serializers.CharField(required=False)
    min_sessions = serializers.IntegerField(required=False, min_value=1, max_value=8)
    lot = serializers.UUIDField(required=False)


# `from` is a Python keyword: declared by name.
ReportRequestSerializer._declared_fields["from"] = serializers.DateField(required=False)
