"""/api/v1/: every app's API routes, in one router."""

from django.urls import include, path

from mesoplan.api.routers import OptionalSlashRouter
from mesoplan.api.views import ClinicianViewSet, TokenView

router = OptionalSlashRouter()
router.register("clinicians", ClinicianViewSet, basename="clinician")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("protocols.api.urls")),
    path("", include("patients.api.urls")),
    *router.urls,
]
