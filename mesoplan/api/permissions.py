"""Who may call what: small permission classes over mesoplan.roles."""

from rest_framework.permissions import BasePermission

from mesoplan.roles import is_clinician, works_in_practice


class WorksInPractice(BasePermission):
    """Clinicians and managers of a practice; network admins see aggregates only."""

    message = "This needs a clinician or practice manager account."

    def has_permission(self, request, view):
        return works_in_practice(request.user)


class IsClinician(BasePermission):
    message = "Only a clinician may do this."

    def has_permission(self, request, view):
        return is_clinician(request.user)
