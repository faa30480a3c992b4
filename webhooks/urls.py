"""The manager's webhook pages, mounted at /webhooks/ (namespace `webhooks`)."""

from django.urls import path

from . import views

urls = (
    [
        path("", views.endpoint_list, name="list"),
        path("<uuid:pk>/", views.endpoint_detail, name="detail"),
        path("<uuid:pk>/rotate-secret/", views.endpoint_rotate, name="rotate"),
        path("<uuid:pk>/toggle/", views.endpoint_toggle, name="toggle"),
        path("<uuid:pk>/delete/", views.endpoint_delete, name="delete"),
        path(
            "<uuid:pk>/messages/<str:message_id>/redeliver/",
            views.message_redeliver,
            name="redeliver",
        ),
    ],
    "webhooks",
)
