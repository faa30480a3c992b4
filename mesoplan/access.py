"""Who may open a browser page: the page-side twin of mesoplan/api/permissions.py."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from mesoplan.roles import works_in_practice


def practice_staff_required(view):
    """Signed in, and working in a practice (network admins see no patient records)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not works_in_practice(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
