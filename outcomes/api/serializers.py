"""Outcome measures, photos and the satisfaction survey as the API shows and takes them."""

from django.urls import reverse
from rest_framework import serializers

from mesoplan.api.strict import StrictSerializer
from outcomes.measures import GAIS, HAIR_DENSITY, PATIENT_RATING, Range
from outcomes.models import OutcomeMeasure, Photo, PhotoPhase, Rating, Survey
from outcomes.surveys import COMMENT_MAX
from protocols.regions import Region


def _measure_field(spec: Range, help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=spec.low,
        max_value=spec.high,
        help_text=help_text,
        error_messages={"min_value": spec.label, "max_value": spec.label},
    )


class MeasureSerializer(serializers.ModelSerializer):
    recorded_by = serializers.CharField(source="recorded_by.display_name", read_only=True)

    class Meta:
        model = OutcomeMeasure
        fields = [
            "id",
            "gais",
            "hair_density_per_cm2",
            "patient_rating",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class MeasureCreateSerializer(StrictSerializer):
    gais = _measure_field(
        GAIS, "Global Aesthetic Improvement Scale: 1 exceptional improvement ... 5 worse."
    )
    hair_density_per_cm2 = _measure_field(
        HAIR_DENSITY,
        "Hairs per cm², on a hair-loss (MesoHair) session only: a skin session answers 400.",
    )
    patient_rating = _measure_field(PATIENT_RATING, "The patient's own rating, 0 to 10.")


class PhotoSerializer(serializers.ModelSerializer):
    content_url = serializers.SerializerMethodField(
        help_text="Where the image's bytes are (staff of the practice only, never cached)."
    )
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", read_only=True)
    session = serializers.UUIDField(source="session_record_id", read_only=True)
    patient = serializers.UUIDField(source="patient_id", read_only=True)
    region = serializers.ChoiceField(
        choices=Region.choices,
        allow_blank=True,
        read_only=True,
        help_text="The region shown; empty when the photo shows no one region.",
    )

    class Meta:
        model = Photo
        fields = [
            "id",
            "session",
            "patient",
            "phase",
            "region",
            "content_type",
            "width",
            "height",
            "byte_size",
            "uploaded_by",
            "uploaded_at",
            "content_url",
        ]
        read_only_fields = fields

    def get_content_url(self, obj) -> str:
        path = reverse("photo-content", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PhotoUploadSerializer(StrictSerializer):
    phase = serializers.ChoiceField(choices=PhotoPhase.choices)
    region = serializers.ChoiceField(
        choices=Region.choices, required=False, allow_blank=True, default=""
    )
    image = serializers.FileField(
        help_text="A JPEG, PNG or WebP photo. Stored re-encoded, without any metadata."
    )


class SurveySerializer(serializers.ModelSerializer):
    class Meta:
        model = Survey
        fields = ["id", "rating", "comment", "source", "created_at"]
        read_only_fields = fields


class SurveyCreateSerializer(StrictSerializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=COMMENT_MAX
    )


class SurveyLinkSerializer(serializers.Serializer):
    url = serializers.URLField(
        help_text="The one-time link for the patient. Shown only now: only its hash is kept."
    )
    expires_at = serializers.DateTimeField()


class SurveyLinkRequestSerializer(StrictSerializer):
    replace = serializers.BooleanField(
        required=False, default=False, help_text="Revoke the open link and make a new one."
    )
