from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from mesoplan.models import Network, Practice, User


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "second_factor_for_admins", "created_at"]
    search_fields = ["name"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "network",
        "time_zone",
        "second_factor_for_managers",
        "second_factor_for_clinicians",
    ]
    list_filter = ["network"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "practice", "is_active"]
    list_filter = ["role", "practice", "is_active", "is_staff"]
    list_select_related = ["practice"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "Practice and role",
            {
                "fields": (
                    "role",
                    "practice",
                    "network",
                    "calendar_feed_version",
                    "must_change_password",
                )
            },
        ),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Practice and role", {"fields": ("role", "practice", "network")}),
    )
