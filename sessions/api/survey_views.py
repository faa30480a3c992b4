"""The satisfaction survey of a course over HTTP (API.md "Satisfaction survey"), and the
one-time link that lets the patient answer it: thin, sessions/surveys.py decides."""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.response import Response

from mesoplan.api.base import PracticeScopedMixin
from mesoplan.api.idempotent import IdempotentPostMixin
from mesoplan.api.strict import StrictSerializer
from mesoplan.tenancy import get_scoped_or_404
from sessions import surveys
from sessions.models import Course, Survey

from .outcome_serializers import SurveyCreateSerializer, SurveyLinkSerializer, SurveySerializer

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
    A retried request makes a second link; whichever is answered first surveys the
    course, and the other then tells the patient it was used."""

    serializer_class = SurveyLinkSerializer
    model = Survey

    @extend_schema(
        request=None,
        responses={201: SurveyLinkSerializer, 409: NOT_SURVEYABLE},
        description="A link for the patient, valid for SURVEY_LINK_DAYS (14 by default), "
        "answering once. The full URL is in this answer only: the server keeps only a "
        "hash of its token.",
    )
    def create(self, request, *args, **kwargs):
        StrictSerializer(data=request.data or {}).is_valid(raise_exception=True)  # no fields
        handed_out = surveys.hand_out_link(actor=request.user, course=self.course())
        url = request.build_absolute_uri(
            reverse("survey-answer", kwargs={"token": handed_out.token})
        )
        body = SurveyLinkSerializer({"url": url, "expires_at": handed_out.link.expires_at})
        return Response(body.data, status=status.HTTP_201_CREATED)
