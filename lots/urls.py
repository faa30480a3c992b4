"""Browser URLs of the lot registry, under the `lots` namespace (the root URL conf adds
the treatment room's recall pages of a lot to it)."""

from django.urls import path

from . import views

lot_urls = [
    path("", views.lot_list, name="list"),
    path("new/", views.lot_create, name="create"),
    path("equipment/", views.equipment_page, name="equipment"),
    path("equipment/add/", views.equipment_add, name="equipment-add"),
    path("equipment/retire/", views.equipment_retire, name="equipment-retire"),
]
