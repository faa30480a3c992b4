"""URLs of the practice office, mounted at /staff/ and /audit/ (each its own namespace,
so the main navigation can mark the section it is in)."""

from django.urls import path

from office.views import audit, staff

staff_urls = (
    [
        path("", staff.staff_list, name="list"),
        path("new/", staff.staff_create, name="create"),
        path("sign-in-rule/", staff.second_factor_policy, name="second-factor-policy"),
        path("<uuid:pk>/", staff.staff_detail, name="detail"),
        path("<uuid:pk>/deactivate/", staff.staff_deactivate, name="deactivate"),
        path("<uuid:pk>/reactivate/", staff.staff_reactivate, name="reactivate"),
        path("<uuid:pk>/reset-password/", staff.staff_reset_password, name="reset-password"),
        path("<uuid:pk>/unlock/", staff.staff_unlock, name="unlock"),
        path(
            "<uuid:pk>/reset-second-factor/",
            staff.staff_reset_second_factor,
            name="reset-second-factor",
        ),
    ],
    "staff",
)

audit_urls = ([path("", audit.audit_trail, name="list")], "audit")
