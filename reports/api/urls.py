"""/api/v1/ routes of reports: the Meso-Report builds."""

from mesoplan.api.routers import OptionalSlashRouter

from .views import ReportViewSet

router = OptionalSlashRouter()
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
