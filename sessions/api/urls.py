from django.urls import path

from mesoplan.api.routers import OptionalSlashRouter
from mesoplan.guards import allows_body_up_to

from .appointment_views import AppointmentViewSet
from .course_views import CourseViewSet
from .outcome_views import PhotoViewSet, SessionMeasureViewSet, SessionPhotoViewSet
from .survey_views import CourseSurveyViewSet, SurveyLinkViewSet
from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("photos", PhotoViewSet, basename="photo")

# A recorded session's outcomes, reached through its appointment; a course's survey.
# The photo upload alone may carry a body past the 1 MiB limit (mesoplan/guards.py).
session_measures = SessionMeasureViewSet.as_view({"get": "list", "post": "create"})
session_photos = allows_body_up_to("PHOTO_UPLOAD_MAX_BODY")(
    SessionPhotoViewSet.as_view({"get": "list", "post": "create"})
)
course_survey = CourseSurveyViewSet.as_view({"get": "retrieve", "post": "create"})
survey_link = SurveyLinkViewSet.as_view({"post": "create"})

urlpatterns = [
    *router.urls,
    path(
        "appointments/<uuid:appointment_pk>/session/measures/",
        session_measures,
        name="session-measures",
    ),
    path(
        "appointments/<uuid:appointment_pk>/session/photos/",
        session_photos,
        name="session-photos",
    ),
    path("courses/<uuid:course_pk>/survey/", course_survey, name="course-survey"),
    path("courses/<uuid:course_pk>/survey/link/", survey_link, name="course-survey-link"),
]
