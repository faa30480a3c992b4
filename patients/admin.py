"""Admin for staff with superuser rights (network IT). Clinical records are read-only
here too: screenings and acknowledgements are never edited."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mesoplan.admin_readonly import ReadOnlyAdmin
from patients.models import Patient, Screening, ScreeningAcknowledgement


@admin.register(Patient)
class PatientAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "date_of_birth", "sex", "practice"]
    list_filter = ["practice", "sex"]
    search_fields = ["last_name", "first_name", "email", "phone"]
    list_select_related = ["practice"]


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    list_display = [
        "patient",
        "indication",
        "outcome",
        "rule_set_version",
        "created_by",
        "created_at",
    ]
    list_filter = ["indication", "outcome", "rule_set_version"]
    list_select_related = ["patient", "created_by"]


@admin.register(ScreeningAcknowledgement)
class ScreeningAcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["screening", "by", "at"]
    list_select_related = ["screening__patient", "by"]
