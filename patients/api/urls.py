from django.urls import path

from mesoplan.api.routers import OptionalSlashRouter

from .views import PatientViewSet, ScreeningViewSet

router = OptionalSlashRouter()
router.register("patients", PatientViewSet, basename="patient")

screenings = ScreeningViewSet.as_view({"get": "list", "post": "create"})
screening = ScreeningViewSet.as_view({"get": "retrieve"})
acknowledge = ScreeningViewSet.as_view({"post": "acknowledge"})

urlpatterns = [
    *router.urls,
    path("patients/<uuid:patient_pk>/screenings/", screenings, name="patient-screening-list"),
    path(
        "patients/<uuid:patient_pk>/screenings/<uuid:pk>/",
        screening,
        name="patient-screening-detail",
    ),
    path(
        "patients/<uuid:patient_pk>/screenings/<uuid:pk>/acknowledge/",
        acknowledge,
        name="patient-screening-acknowledge",
    ),
]
