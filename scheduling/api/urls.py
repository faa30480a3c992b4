"""/api/v1/ routes of the calendar: clinicians with their calendars, courses and
appointments."""

from django.urls import re_path

from mesoplan.api.routers import OptionalSlashRouter

from .sync_views import AppointmentChangesView
from .views import AppointmentViewSet, ClinicianCalendarViewSet, CourseViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
router.register("appointments", AppointmentViewSet, basename="appointment")

urlpatterns = [
    re_path(
        r"^appointments/changes/?$", AppointmentChangesView.as_view(), name="appointment-changes"
    ),
    *router.urls,
]
