from django.urls import path

from mesoplan.api.routers import OptionalSlashRouter

from .adverse_event_views import AdverseEventViewSet
from .appointment_views import AppointmentViewSet
from .course_views import CourseViewSet
from .lot_views import EquipmentViewSet, LotViewSet
from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("lots", LotViewSet, basename="lot")
router.register("equipment", EquipmentViewSet, basename="equipment")
urlpatterns = router.urls

# --- Adverse events of a recorded session ---------------------------------------------
adverse_event_list = AdverseEventViewSet.as_view({"get": "list", "post": "create"})
adverse_event_detail = AdverseEventViewSet.as_view({"get": "retrieve"})
adverse_event_follow_up = AdverseEventViewSet.as_view({"post": "follow_up"})
urlpatterns += [
    path(
        "appointments/<uuid:appointment_pk>/session/adverse-events/",
        adverse_event_list,
        name="session-adverse-event-list",
    ),
    path(
        "appointments/<uuid:appointment_pk>/session/adverse-events/<uuid:pk>/",
        adverse_event_detail,
        name="session-adverse-event-detail",
    ),
    path(
        "appointments/<uuid:appointment_pk>/session/adverse-events/<uuid:pk>/follow-ups/",
        adverse_event_follow_up,
        name="session-adverse-event-follow-ups",
    ),
]
