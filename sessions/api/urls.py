from mesoplan.api.routers import OptionalSlashRouter

from .views import ClinicianCalendarViewSet

router = OptionalSlashRouter()
# The clinicians resource of API.md: staff from the foundation, calendars from here.
router.register("clinicians", ClinicianCalendarViewSet, basename="clinician")
urlpatterns = router.urls
