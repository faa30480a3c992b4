"""Browser URLs of the calendar and courses. The root URL conf puts them under the
`courses` and `calendar` namespaces, which the treatment room and outcomes join with pages
of their own (a session hangs on its appointment, a survey on its course). The calendar
feed is not namespaced: `calendar-feed` is the name the API and calendar subscribers have
used from the start."""

from django.urls import path

from .views import booking, calendar, courses, recall, settings

course_urls = [
    path("patients/<uuid:patient_pk>/courses/new/", courses.course_book, name="book"),
    path("courses/<uuid:pk>/", courses.course_detail, name="detail"),
    path("courses/<uuid:pk>/replan/", courses.course_replan, name="replan"),
    path("courses/<uuid:pk>/end/", courses.course_end, name="end"),
    path(
        "courses/<uuid:pk>/sessions/<int:sequence>/book/",
        booking.rebook_session,
        name="rebook",
    ),
]

calendar_urls = [
    path("", calendar.calendar_week, name="week"),
    path("day/", calendar.calendar_day, name="day"),
    path("recall/", recall.recall_list, name="recall"),
    path("book/", booking.book_visit, name="book"),
    path("appointments/<uuid:pk>/", calendar.appointment_detail, name="appointment"),
    path("appointments/<uuid:pk>/move/", calendar.appointment_reschedule, name="reschedule"),
    path("appointments/<uuid:pk>/cancel/", calendar.appointment_cancel, name="cancel"),
    path(
        "appointments/<uuid:pk>/day/<slug:action>/",
        calendar.appointment_day_action,
        name="day-action",
    ),
    path("settings/", settings.settings_page, name="settings"),
    path("settings/opening-hours/", settings.opening_hours, name="opening-hours"),
    path("settings/closures/", settings.closure_add, name="closure-add"),
    path("settings/closures/remove/", settings.closure_remove, name="closure-remove"),
    path("settings/lengths/", settings.kind_lengths, name="kind-lengths"),
    path(
        "settings/clinicians/<uuid:pk>/",
        settings.clinician_settings,
        name="clinician-settings",
    ),
    path(
        "settings/clinicians/<uuid:pk>/absences/",
        settings.absence_add,
        name="absence-add",
    ),
    path(
        "settings/clinicians/<uuid:pk>/absences/remove/",
        settings.absence_remove,
        name="absence-remove",
    ),
]

urlpatterns = [
    path(
        "feeds/calendar/<uuid:clinician_id>/<str:token>.ics",
        calendar.calendar_feed,
        name="calendar-feed",
    ),
]
