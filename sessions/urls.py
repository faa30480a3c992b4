"""Browser URLs of the treatment room. A session record hangs on its appointment, so its
pages join the `calendar` namespace; a lot's recall joins `lots` (the root URL conf puts
them together)."""

from django.urls import path

from .views import adverse_events, lot_recall, records

calendar_urls = [
    path("appointments/<uuid:pk>/session/", records.session_page, name="session"),
    path("appointments/<uuid:pk>/session/amend/", records.session_amend, name="session-amend"),
    # Adverse events of a recorded session (the session page shows them through a tag).
    path(
        "sessions/<uuid:record_pk>/adverse-events/new/",
        adverse_events.adverse_event_add,
        name="adverse-event-add",
    ),
    path(
        "sessions/<uuid:record_pk>/adverse-events/<uuid:pk>/follow-ups/new/",
        adverse_events.follow_up_add,
        name="adverse-event-follow-up",
    ),
]

lot_urls = [
    path("<uuid:pk>/", lot_recall.lot_detail, name="detail"),
    path("<uuid:pk>/recipients.csv", lot_recall.lot_recipients_csv, name="recipients-csv"),
]
