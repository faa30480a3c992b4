"""/api/v1/: every app's API routes. Wiring may name every app; each app's api/urls.py
holds its own router (the clinicians resource lives in scheduling.api, with its calendar;
a lot's recall in sessions.api, beside the registry's lot routes in lots.api)."""

from django.urls import URLPattern, URLResolver, include, path

from mesoplan.api.routers import OptionalSlashRouter
from mesoplan.api.views import ApiTokenViewSet, TokenView

tokens = OptionalSlashRouter()
tokens.register("auth/tokens", ApiTokenViewSet, basename="api-tokens")

urlpatterns: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    *tokens.urls,
    path("", include("protocols.api.urls")),
    path("", include("patients.api.urls")),
    path("", include("scheduling.api.urls")),
    path("", include("lots.api.urls")),
    path("", include("sessions.api.urls")),
    path("", include("outcomes.api.urls")),
    path("", include("webhooks.api.urls")),
    path("", include("reports.api.urls")),
]
