from django.urls import re_path

from mesoplan.api.routers import OptionalSlashRouter
from mesoplan.guards import allows_body_up_to

from .adverse_event_views import AdverseEventViewSet
from .appointment_views import AppointmentViewSet
from .course_views import CourseViewSet
from .lot_views import EquipmentViewSet, LotViewSet
from .outcome_views import PhotoViewSet, SessionMeasureViewSet, SessionPhotoViewSet
from .session_views import SessionRecordViewSet
from .survey_views import CourseSurveyViewSet, SurveyLinkViewSet
from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("lots", LotViewSet, basename="lot")
router.register("equipment", EquipmentViewSet, basename="equipment")
router.register("photos", PhotoViewSet, basename="photo")

APPOINTMENT = r"^appointments/(?P<appointment_pk>[0-9a-fA-F-]{36})"
COURSE = r"^courses/(?P<course_pk>[0-9a-fA-F-]{36})"

# A session record hangs under its appointment (API.md): one per appointment.
session_urls = [
    re_path(
        APPOINTMENT + r"/session/?$",
        SessionRecordViewSet.as_view({"get": "retrieve", "post": "create"}),
        name="appointment-session",
    ),
    re_path(
        APPOINTMENT + r"/session/amendments/?$",
        SessionRecordViewSet.as_view({"post": "amend"}),
        name="appointment-session-amend",
    ),
]

# --- Adverse events of a recorded session ---------------------------------------------
EVENT = r"/session/adverse-events/(?P<pk>[0-9a-fA-F-]{36})"
adverse_event_urls = [
    re_path(
        APPOINTMENT + r"/session/adverse-events/?$",
        AdverseEventViewSet.as_view({"get": "list", "post": "create"}),
        name="session-adverse-event-list",
    ),
    re_path(
        APPOINTMENT + EVENT + r"/?$",
        AdverseEventViewSet.as_view({"get": "retrieve"}),
        name="session-adverse-event-detail",
    ),
    re_path(
        APPOINTMENT + EVENT + r"/follow-ups/?$",
        AdverseEventViewSet.as_view({"post": "follow_up"}),
        name="session-adverse-event-follow-ups",
    ),
]

# A recorded session's outcomes, under its appointment too; a course's survey. The photo
# upload alone may carry a body past the 1 MiB limit (mesoplan/guards.py, deploy/nginx.conf).
outcome_urls = [
    re_path(
        APPOINTMENT + r"/session/measures/?$",
        SessionMeasureViewSet.as_view({"get": "list", "post": "create"}),
        name="session-measures",
    ),
    re_path(
        APPOINTMENT + r"/session/photos/?$",
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

urlpatterns = session_urls + adverse_event_urls + outcome_urls + router.urls
