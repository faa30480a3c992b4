"""Browser URLs of the sessions app. Not namespaced: `calendar-feed` is the name the API
and calendar subscribers have used from the start."""

from django.urls import path

from sessions import views

urlpatterns = [
    path(
        "feeds/calendar/<uuid:clinician_id>/<str:token>.ics",
        views.calendar_feed,
        name="calendar-feed",
    ),
]
