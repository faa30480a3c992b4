from rest_framework import serializers

from mesoplan.models import User

from .strict import StrictSerializer


class ClinicianSerializer(serializers.ModelSerializer):
    """A practice's clinician as staff. `scheduling.api` adds the calendar feed URL."""

    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


class TokenRequestSerializer(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
