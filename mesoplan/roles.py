"""Staff roles and what each may do: one place, so views and the API ask the same question."""

from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    PRACTICE_MANAGER = "practice_manager", "Practice manager"
    NETWORK_ADMIN = "network_admin", "Network admin"


# Roles that work with one practice's patient records.
PRACTICE_ROLES = frozenset({Role.CLINICIAN, Role.PRACTICE_MANAGER})


def works_in_practice(user) -> bool:
    """True for staff who act for exactly one practice (clinicians and managers)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.role in PRACTICE_ROLES
        and user.practice_id is not None
    )


def is_clinician(user) -> bool:
    return works_in_practice(user) and user.role == Role.CLINICIAN


def is_practice_manager(user) -> bool:
    return works_in_practice(user) and user.role == Role.PRACTICE_MANAGER


# One way to refuse a role (403): services and views call these instead of each
# writing its own check. `doing` finishes the sentence "Only a clinician may ...".
def require_clinician(actor, doing: str = "do this") -> None:
    if not is_clinician(actor):
        raise PermissionDenied(f"Only a clinician may {doing}.")


def require_practice_manager(actor, doing: str = "do this") -> None:
    if not is_practice_manager(actor):
        raise PermissionDenied(f"Only a practice manager may {doing}.")


def require_practice_staff(actor, doing: str = "do this") -> None:
    if not works_in_practice(actor):
        raise PermissionDenied(f"Only a clinician or practice manager may {doing}.")
