"""/api/v1/ routes of the lot registry: product lots and equipment (a lot's recall is
routed by sessions.api)."""

from mesoplan.api.routers import OptionalSlashRouter

from .views import EquipmentViewSet, LotViewSet

router = OptionalSlashRouter()
router.register("lots", LotViewSet, basename="lot")
router.register("equipment", EquipmentViewSet, basename="equipment")

urlpatterns = router.urls
