"""A recorded session's outcome measures and photos over HTTP, and a photo itself: thin,
the services in sessions/measures.py and sessions/photos.py decide.

A session is reached through its appointment (`/appointments/{id}/session/...`): another
practice's appointment, or one not recorded yet, is simply not found (404)."""

import hashlib

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from mesoplan.api.base import PracticeScopedMixin
from mesoplan.api.conditional import ETagMixin
from mesoplan.api.idempotent import IdempotentPostMixin
from sessions import measures, photos
from sessions.models import OutcomeMeasure, Photo
from sessions.photo_http import photo_response

from .outcome_serializers import (
    MeasureCreateSerializer,
    MeasureSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
)
from .session_of_appointment import NO_SESSION, SessionOfAppointmentMixin

IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")


class SessionMeasureViewSet(
    IdempotentPostMixin,
    PracticeScopedMixin,
    SessionOfAppointmentMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """A session's outcome measures, newest first: GAIS, hair density per cm², the
    patient's rating. Never edited: a new entry is a new row."""

    serializer_class = MeasureSerializer
    model = OutcomeMeasure

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no session
            return OutcomeMeasure.objects.none()
        return measures.measures_for(self.request.user).filter(session_record=self.session_record())

    @extend_schema(responses={200: MeasureSerializer(many=True), 404: NO_SESSION})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=MeasureCreateSerializer,
        responses={201: MeasureSerializer, 404: NO_SESSION},
        description="At least one value; each in its range (400 naming the field). "
        "A clinician records them.",
    )
    def create(self, request, *args, **kwargs):
        record = self.session_record()
        body = MeasureCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = measures.record_measures(
            actor=request.user, session_record=record, **body.validated_data
        )
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class SessionPhotoViewSet(
    IdempotentPostMixin,
    PracticeScopedMixin,
    SessionOfAppointmentMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """A session's before and after photos (metadata; the bytes at each `content_url`)."""

    serializer_class = PhotoSerializer
    model = Photo
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Photo.objects.none()
        return photos.photos_for(self.request.user).filter(session_record=self.session_record())

    def idempotency_payload(self, request) -> bytes:
        """A multipart body differs on every retry (its boundary): the key is bound to the
        fields and the file's bytes instead."""
        digest = hashlib.sha256()
        for name in sorted(request.data.keys()):
            for value in request.data.getlist(name):
                digest.update(name.encode() + b"=")
                if hasattr(value, "chunks"):
                    for chunk in value.chunks():
                        digest.update(chunk)
                    value.seek(0)
                else:
                    digest.update(str(value).encode("utf-8", "surrogatepass"))
                digest.update(b"\n")
        return digest.hexdigest().encode()

    @extend_schema(responses={200: PhotoSerializer(many=True), 404: NO_SESSION})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=PhotoUploadSerializer,
        responses={
            201: PhotoSerializer,
            404: NO_SESSION,
            409: OpenApiResponse(
                description="`no_photo_consent`: the patient has not consented to "
                "photography (or withdrew it)."
            ),
            413: OpenApiResponse(
                description="The body is larger than the photo limit allows (refused "
                "before it is read)."
            ),
        },
        description="multipart/form-data: `phase` (before|after), optional `region`, "
        "`image` (JPEG, PNG or WebP, at most PHOTO_MAX_BYTES, 10 MiB by default). The "
        "image is re-encoded without any metadata (no EXIF, GPS, camera data) and turned "
        "upright. A clinician adds photos; the patient's consent is needed.",
    )
    def create(self, request, *args, **kwargs):
        record = self.session_record()
        body = PhotoUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        photo = photos.add_photo(
            actor=request.user,
            session_record=record,
            phase=data["phase"],
            region=data["region"],
            upload=data["image"],
        )
        photo = photos.photos_for(request.user).get(pk=photo.pk)
        serializer = PhotoSerializer(photo, context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class PhotoViewSet(
    ETagMixin, PracticeScopedMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """One photo: its metadata, and at `content/` its bytes (never cached; audited)."""

    serializer_class = PhotoSerializer
    model = Photo
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return photos.photos_for(self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # The bytes are a FileResponse that no renderer touches; everything else, errors
        # included, is JSON whatever the client accepts (never a 406).
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={
            (200, content_type): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="The photo, as stored."
            )
            for content_type in IMAGE_TYPES
        }
    )
    @action(detail=True, methods=["get"])
    def content(self, request, pk=None):
        """The photo's bytes, with `Cache-Control: no-store` and `nosniff`."""
        return photo_response(request.user, self.get_object())
