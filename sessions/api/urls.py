from mesoplan.api.routers import OptionalSlashRouter

from .course_views import CourseViewSet
from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
router.register("courses", CourseViewSet, basename="course")
urlpatterns = router.urls
