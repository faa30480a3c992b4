"""/api/v1/webhooks/ routes."""

from mesoplan.api.routers import OptionalSlashRouter

from .views import WebhookEndpointViewSet

router = OptionalSlashRouter()
router.register("webhooks", WebhookEndpointViewSet, basename="webhook")

urlpatterns = router.urls
