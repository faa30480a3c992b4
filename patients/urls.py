from django.urls import path

from patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("<uuid:pk>/", views.patient_detail, name="detail"),
    path("<uuid:pk>/edit/", views.patient_edit, name="edit"),
    path("<uuid:pk>/photo-consent/", views.photography_consent, name="photo-consent"),
    path("<uuid:pk>/screenings/new/", views.screening_create, name="screening-create"),
    path("<uuid:pk>/screenings/<uuid:screening_pk>/", views.screening_detail, name="screening"),
    path(
        "<uuid:pk>/screenings/<uuid:screening_pk>/acknowledge/",
        views.screening_acknowledge,
        name="screening-acknowledge",
    ),
]
