from mesoplan.api.routers import OptionalSlashRouter

from .views import ProtocolViewSet

router = OptionalSlashRouter()
router.register("protocols", ProtocolViewSet, basename="protocol")
urlpatterns = router.urls
