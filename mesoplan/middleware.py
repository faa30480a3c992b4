"""Shows times in the signed-in user's practice time zone (stored in UTC)."""

import zoneinfo

from django.utils import timezone


class PracticeTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        practice = getattr(user, "practice", None) if user and user.is_authenticated else None
        if practice is not None:
            timezone.activate(zoneinfo.ZoneInfo(practice.time_zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
