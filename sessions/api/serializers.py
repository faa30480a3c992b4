from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from mesoplan.api.serializers import ClinicianSerializer
from sessions.calendar_feed import feed_path


@extend_schema_serializer(component_name="Clinician")
class ClinicianWithFeedSerializer(ClinicianSerializer):
    """The clinician as API.md lists them: staff fields plus the private feed URL."""

    feed_url = serializers.SerializerMethodField(
        help_text="Private iCalendar subscription URL (no patient names); revocable."
    )

    class Meta(ClinicianSerializer.Meta):
        fields = [*ClinicianSerializer.Meta.fields, "feed_url"]

    @extend_schema_field(serializers.URLField())
    def get_feed_url(self, obj) -> str:
        request = self.context.get("request")
        path = feed_path(obj)
        return request.build_absolute_uri(path) if request else path
