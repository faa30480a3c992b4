"""Browser routes of the reports: the Meso-Report dashboard and its builds."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<uuid:pk>/", views.detail, name="detail"),
    path("<uuid:pk>/progress", views.progress, name="progress"),
    path("<uuid:pk>/<slug:table>.csv", views.table_csv, name="csv"),
]
