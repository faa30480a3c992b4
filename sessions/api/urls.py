from mesoplan.api.routers import OptionalSlashRouter

from .appointment_views import AppointmentViewSet
from .course_views import CourseViewSet
from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
router.register("appointments", AppointmentViewSet, basename="appointment")
urlpatterns = router.urls
