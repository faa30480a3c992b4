"""Browser-side pages of appointments: the private calendar feed for calendar apps."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from mesoplan.models import User
from mesoplan.roles import Role
from sessions.calendar_feed import is_valid_feed_token
from sessions.ical import clinician_calendar


@require_GET
def calendar_feed(request, clinician_id, token):
    """A clinician's appointments for calendar apps: no credentials, no patient names."""
    user = User.objects.filter(pk=clinician_id, role=Role.CLINICIAN, is_active=True).first()
    if user is None or not is_valid_feed_token(user, token):
        raise Http404
    body = clinician_calendar(user)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
