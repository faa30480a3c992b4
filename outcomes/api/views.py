"""A recorded session's outcome measures and photos, a photo itself, and the satisfaction
survey of a course with the one-time link that lets the patient answer it, over HTTP
(API.md "Satisfaction survey"): thin, the services in outcomes/ decide.

A session is reached through its appointment (`/appointments/{id}/session/...`): another
practice's appointment, or one not recorded yet, is simply not found (404)."""

import hashlib

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from mesoplan.api.base import PracticeScopedMixin
from mesoplan.api.conditional import ETagMixin
from mesoplan.api.idempotent import IdempotentPostMixin
from mesoplan.api.parsers import SafeMultiPartParser
from mesoplan.tenancy import get_scoped_or_404
from outcomes import measures, photos, surveys
from outcomes.models import OutcomeMeasure, Photo, Survey
from outcomes.photo_http import photo_response
from scheduling.models import Course
from sessions.api.session_of_appointment import NO_SESSION, SessionOfAppointmentMixin

from .serializers import (
    MeasureCreateSerializer,
    MeasureSerializer,
    PhotoSerializer,
    PhotoUploadSerializer,
    SurveyCreateSerializer,
    SurveyLinkRequestSerializer,
    SurveyLinkSerializer,
    SurveySerializer,
)

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

    def session_records(self):
        return super().session_records().select_related("formulation")  # hair or skin

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
    parser_classes = [SafeMultiPartParser]

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


NOT_SURVEYABLE = OpenApiResponse(
    description="`survey_exists`: the course has its survey already (one per course); "
    "`no_session_recorded`: no session of the course is recorded yet."
)


class CourseOfUrlMixin:
    def course(self) -> Course:
        if not hasattr(self, "_course"):
            self._course = get_scoped_or_404(
                Course,
                self.request.user,  # type: ignore[attr-defined]
                pk=self.kwargs["course_pk"],  # type: ignore[attr-defined]
            )
        return self._course


class CourseSurveyViewSet(
    IdempotentPostMixin, PracticeScopedMixin, CourseOfUrlMixin, viewsets.GenericViewSet
):
    """The course's survey: `rating` on three levels and an optional `comment`."""

    serializer_class = SurveySerializer
    model = Survey

    @extend_schema(
        responses={
            200: SurveySerializer,
            404: OpenApiResponse(
                description="No survey for this course yet, or not this practice's course."
            ),
        }
    )
    def retrieve(self, request, *args, **kwargs):
        survey = surveys.survey_of(self.course())
        if survey is None:
            raise Http404("This course has no survey yet.")
        return Response(SurveySerializer(survey).data)

    @extend_schema(
        request=SurveyCreateSerializer,
        responses={201: SurveySerializer, 409: NOT_SURVEYABLE},
        description="Entered by the practice (a clinician or the practice manager). One "
        "per course, once a session of it is recorded.",
    )
    def create(self, request, *args, **kwargs):
        course = self.course()
        body = SurveyCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        survey = surveys.record_survey(actor=request.user, course=course, **body.validated_data)
        return Response(SurveySerializer(survey).data, status=status.HTTP_201_CREATED)


class SurveyLinkViewSet(PracticeScopedMixin, CourseOfUrlMixin, viewsets.GenericViewSet):
    """One-time links for the patient to answer the survey themselves.

    Without Idempotency-Key replays, on purpose: a replay is the stored first answer, and
    this answer holds the link's token, which the server must not keep (only its hash).
    A course has one open link at a time: a retried request answers 409 `link_out`, and
    `{"replace": true}` revokes the open link and makes a new one."""

    serializer_class = SurveyLinkSerializer
    model = Survey

    @extend_schema(
        request=SurveyLinkRequestSerializer,
        responses={201: SurveyLinkSerializer, 409: NOT_SURVEYABLE},
        description="A link for the patient, valid for SURVEY_LINK_DAYS (14 by default), "
        "answering once. The full URL is in this answer only: the server keeps only a "
        "hash of its token. One open link per course: 409 `link_out` while one is out, "
        'unless the body says `{"replace": true}`.',
    )
    def create(self, request, *args, **kwargs):
        asked = SurveyLinkRequestSerializer(data=request.data or {})
        asked.is_valid(raise_exception=True)
        handed_out = surveys.hand_out_link(
            actor=request.user, course=self.course(), replace=asked.validated_data["replace"]
        )
        url = request.build_absolute_uri(
            reverse("survey-answer", kwargs={"token": handed_out.token})
        )
        body = SurveyLinkSerializer({"url": url, "expires_at": handed_out.link.expires_at})
        return Response(body.data, status=status.HTTP_201_CREATED)
