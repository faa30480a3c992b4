"""Shows times in the signed-in user's practice time zone (stored in UTC).

Browser requests are authenticated by the session before this middleware runs. API
requests with a token are authenticated later, by DRF, so the API's base view activates
the same zone once it knows the user (`mesoplan.api.base.PracticeScopedMixin.initial`).
"""

from django.utils import timezone

from mesoplan.clock import practice_zone


def activate_practice_zone(user) -> None:
    practice = getattr(user, "practice", None) if user and user.is_authenticated else None
    if practice is not None:
        timezone.activate(practice_zone(practice))
    else:
        timezone.deactivate()


class PracticeTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        activate_practice_zone(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
