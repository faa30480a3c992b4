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

    otp = serializers.CharField(
        max_length=32,
        required=False,
        help_text="A current code of the authenticator app, or an unused recovery code: "
        "needed once the user has a second factor.",
    )
    name = serializers.CharField(
        max_length=100,
        required=False,
        help_text="What the token is for, shown in the user's list of tokens.",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once: only its hash is kept.")
    id = serializers.UUIDField()
    name = serializers.CharField()
    expires_at = serializers.DateTimeField()


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True, help_text="The key's first characters.")
    user = serializers.UUIDField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
