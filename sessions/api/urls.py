from django.urls import re_path

from mesoplan.api.routers import OptionalSlashRouter

from .adverse_event_views import AdverseEventViewSet
from .appointment_views import AppointmentViewSet
from .course_views import CourseViewSet
from .lot_views import EquipmentViewSet, LotViewSet
from .session_views import SessionRecordViewSet
from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("lots", LotViewSet, basename="lot")
router.register("equipment", EquipmentViewSet, basename="equipment")
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

urlpatterns = session_urls + adverse_event_urls + router.urls
