"""/api/v1/ routes of the treatment room: a session record under its appointment (API.md:
one per appointment) with its amendments and adverse events, and a lot's recall under
the lot (`lots/{id}/recipients/`, beside the registry's own lot routes)."""

from django.urls import re_path

from mesoplan.api.routers import OptionalSlashRouter

from .session_of_appointment import APPOINTMENT_SESSION
from .views import AdverseEventViewSet, LotRecallViewSet, SessionRecordViewSet

# Only the recall's two detail actions: the registry (lots.api) routes the lot itself.
router = OptionalSlashRouter()
router.register("lots", LotRecallViewSet, basename="lot")

session_urls = [
    re_path(
        APPOINTMENT_SESSION + r"/?$",
        SessionRecordViewSet.as_view({"get": "retrieve", "post": "create"}),
        name="appointment-session",
    ),
    re_path(
        APPOINTMENT_SESSION + r"/amendments/?$",
        SessionRecordViewSet.as_view({"post": "amend"}),
        name="appointment-session-amend",
    ),
]

# --- Adverse events of a recorded session ---------------------------------------------
EVENT = r"/adverse-events/(?P<pk>[0-9a-fA-F-]{36})"
adverse_event_urls = [
    re_path(
        APPOINTMENT_SESSION + r"/adverse-events/?$",
        AdverseEventViewSet.as_view({"get": "list", "post": "create"}),
        name="session-adverse-event-list",
    ),
    re_path(
        APPOINTMENT_SESSION + EVENT + r"/?$",
        AdverseEventViewSet.as_view({"get": "retrieve"}),
        name="session-adverse-event-detail",
    ),
    re_path(
        APPOINTMENT_SESSION + EVENT + r"/follow-ups/?$",
        AdverseEventViewSet.as_view({"post": "follow_up"}),
        name="session-adverse-event-follow-ups",
    ),
]

urlpatterns = session_urls + adverse_event_urls + router.urls
