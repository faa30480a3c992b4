"""A read-only ModelAdmin for append-only clinical records: even a superuser may only
look. Every app's admin uses this one, so "never edited" reads the same everywhere."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
