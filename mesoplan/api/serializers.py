from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mesoplan.calendar_feed import feed_path
from mesoplan.models import User

from .strict import StrictSerializer


class ClinicianSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)
    feed_url = serializers.SerializerMethodField(
        help_text="Private iCalendar subscription URL (no patient names); revocable."
    )

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "feed_url"]

    @extend_schema_field(serializers.URLField())
    def get_feed_url(self, obj) -> str:
        request = self.context.get("request")
        path = feed_path(obj)
        return request.build_absolute_uri(path) if request else path


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
