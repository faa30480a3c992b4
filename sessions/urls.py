"""Browser URLs of the sessions app. The calendar feed is not namespaced: `calendar-feed`
is the name the API and calendar subscribers have used from the start. Courses and the
calendar have namespaces of their own (the API's router already names `course-detail`)."""

from django.urls import include, path

from sessions import (
    adverse_event_views,
    course_views,
    lot_views,
    outcome_views,
    recall_views,
    session_views,
    settings_views,
    survey_views,
    views,
)

course_urls = [
    path("patients/<uuid:patient_pk>/courses/new/", course_views.course_book, name="book"),
    path("courses/<uuid:pk>/", course_views.course_detail, name="detail"),
    path("courses/<uuid:pk>/survey/", survey_views.survey_enter, name="survey"),
    path("courses/<uuid:pk>/survey/link/", survey_views.survey_link, name="survey-link"),
]

calendar_urls = [
    path("", views.calendar_week, name="week"),
    path("day/", views.calendar_day, name="day"),
    path("recall/", recall_views.recall_list, name="recall"),
    path("appointments/<uuid:pk>/", views.appointment_detail, name="appointment"),
    path("appointments/<uuid:pk>/move/", views.appointment_reschedule, name="reschedule"),
    path("appointments/<uuid:pk>/cancel/", views.appointment_cancel, name="cancel"),
    # The forms of a recorded session's outcomes section (on the session page).
    path(
        "sessions/<uuid:record_pk>/measures/", outcome_views.measures_add, name="session-measures"
    ),
    path("sessions/<uuid:record_pk>/photos/", outcome_views.photo_add, name="session-photo-add"),
    path("appointments/<uuid:pk>/session/", session_views.session_page, name="session"),
    path(
        "appointments/<uuid:pk>/session/amend/", session_views.session_amend, name="session-amend"
    ),
    path("settings/", settings_views.settings_page, name="settings"),
    path("settings/opening-hours/", settings_views.opening_hours, name="opening-hours"),
    path("settings/closures/", settings_views.closure_add, name="closure-add"),
    path("settings/closures/remove/", settings_views.closure_remove, name="closure-remove"),
    path("settings/lengths/", settings_views.kind_lengths, name="kind-lengths"),
    path(
        "settings/clinicians/<uuid:pk>/",
        settings_views.clinician_settings,
        name="clinician-settings",
    ),
    path(
        "settings/clinicians/<uuid:pk>/absences/",
        settings_views.absence_add,
        name="absence-add",
    ),
    path(
        "settings/clinicians/<uuid:pk>/absences/remove/",
        settings_views.absence_remove,
        name="absence-remove",
    ),
    # Adverse events of a recorded session (the session page shows them through a tag).
    path(
        "sessions/<uuid:record_pk>/adverse-events/new/",
        adverse_event_views.adverse_event_add,
        name="adverse-event-add",
    ),
    path(
        "sessions/<uuid:record_pk>/adverse-events/<uuid:pk>/follow-ups/new/",
        adverse_event_views.follow_up_add,
        name="adverse-event-follow-up",
    ),
]

lot_urls = [
    path("", lot_views.lot_list, name="list"),
    path("new/", lot_views.lot_create, name="create"),
    path("<uuid:pk>/", lot_views.lot_detail, name="detail"),
    path("<uuid:pk>/recipients.csv", lot_views.lot_recipients_csv, name="recipients-csv"),
    path("equipment/", lot_views.equipment_page, name="equipment"),
    path("equipment/add/", lot_views.equipment_add, name="equipment-add"),
    path("equipment/retire/", lot_views.equipment_retire, name="equipment-retire"),
]

urlpatterns = [
    path(
        "feeds/calendar/<uuid:clinician_id>/<str:token>.ics",
        views.calendar_feed,
        name="calendar-feed",
    ),
    path("", include((course_urls, "courses"))),
    # Photos leave the server only through this practice-scoped view (never MEDIA_URL).
    path("photos/<uuid:pk>/", outcome_views.photo_content, name="photo"),
    # The patient's one-time survey link: no sign-in, the token is the credential.
    path("survey/<str:token>/", survey_views.survey_answer, name="survey-answer"),
    path("calendar/", include((calendar_urls, "calendar"))),
    path("lots/", include((lot_urls, "lots"))),
]
