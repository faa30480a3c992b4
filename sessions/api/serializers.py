from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from mesoplan.api.serializers import ClinicianSerializer
from sessions.calendar_feed import feed_path


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
