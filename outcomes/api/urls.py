"""/api/v1/ routes of outcomes: a recorded session's measures and photos, under its
appointment too; a course's survey and its one-time link; a photo itself. The photo
upload alone may carry a body past the 1 MiB limit (mesoplan/guards.py, deploy/nginx.conf)."""

from django.urls import re_path

from mesoplan.api.routers import OptionalSlashRouter
from mesoplan.guards import allows_body_up_to
from sessions.api.session_of_appointment import APPOINTMENT_SESSION

from .views import (
    CourseSurveyViewSet,
    PhotoViewSet,
    SessionMeasureViewSet,
    SessionPhotoViewSet,
    SurveyLinkViewSet,
)

COURSE = r"^courses/(?P<course_pk>[0-9a-fA-F-]{36})"

router = OptionalSlashRouter()
router.register("photos", PhotoViewSet, basename="photo")

outcome_urls = [
    re_path(
        APPOINTMENT_SESSION + r"/measures/?$",
        SessionMeasureViewSet.as_view({"get": "list", "post": "create"}),
        name="session-measures",
    ),
    re_path(
        APPOINTMENT_SESSION + r"/photos/?$",
        allows_body_up_to("PHOTO_UPLOAD_MAX_BODY")(
            SessionPhotoViewSet.as_view({"get": "list", "post": "create"})
        ),
        name="session-photos",
    ),
    re_path(
        COURSE + r"/survey/?$",
        CourseSurveyViewSet.as_view({"get": "retrieve", "post": "create"}),
        name="course-survey",
    ),
    re_path(
        COURSE + r"/survey/link/?$",
        SurveyLinkViewSet.as_view({"post": "create"}),
        name="course-survey-link",
    ),
]

urlpatterns = outcome_urls + router.urls
