"""Reads of staff that views and the API share."""

from mesoplan.models import User
from mesoplan.roles import Role


def clinicians_for(actor):
    return (
        User.objects.for_actor(actor)
        .filter(role=Role.CLINICIAN, is_active=True)
        .order_by("last_name", "first_name", "username")
    )
