"""Browser URLs of outcomes. A session's measures and photos join the `calendar`
namespace (they hang on the session record page), a course's survey joins `courses`; a
photo and the patient's one-time survey page stand alone."""

from django.urls import path

from . import views

calendar_urls = [
    # The forms of a recorded session's outcomes section (on the session page).
    path("sessions/<uuid:record_pk>/measures/", views.measures_add, name="session-measures"),
    path("sessions/<uuid:record_pk>/photos/", views.photo_add, name="session-photo-add"),
]

course_urls = [
    path("courses/<uuid:pk>/survey/", views.survey_enter, name="survey"),
    path("courses/<uuid:pk>/survey/link/", views.survey_link, name="survey-link"),
]

urlpatterns = [
    # Photos leave the server only through this practice-scoped view (never MEDIA_URL).
    path("photos/<uuid:pk>/", views.photo_content, name="photo"),
    # The patient's one-time survey link: no sign-in, the token is the credential.
    path("survey/<str:token>/", views.survey_answer, name="survey-answer"),
]
