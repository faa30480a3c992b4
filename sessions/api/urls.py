from django.urls import re_path

from mesoplan.api.routers import OptionalSlashRouter

from .appointment_views import AppointmentViewSet
from .course_views import CourseViewSet
from .session_views import SessionRecordViewSet
from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
router.register("appointments", AppointmentViewSet, basename="appointment")
APPOINTMENT = r"^appointments/(?P<appointment_pk>[0-9a-fA-F-]{36})"

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

urlpatterns = session_urls + router.urls
