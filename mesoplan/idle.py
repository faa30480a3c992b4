"""The idle time-out without a session write on every request.

A shared clinic workstation must not stay signed in: the session ends
SESSION_IDLE_MINUTES after the last request. Saving the session on every request would
renew its expiry, but costs a database write per page (a third of a list page's
queries). Instead the session is touched at most once a minute: its expiry then lags
the last request by under a minute, which is what the time-out needs.
"""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

TOUCH_KEY = "_mesoplan_seen"


def needs_touch(last_seen: float | None, now: float, every_seconds: int) -> bool:
    """
    >>> needs_touch(None, 100.0, 60), needs_touch(50.0, 100.0, 60), needs_touch(30.0, 100.0, 60)
    (True, False, True)
    """
    return last_seen is None or now - last_seen >= every_seconds


class IdleSessionMiddleware:
    """Renews a signed-in session's expiry when it was last renewed a minute ago or more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only sessions that carry a sign-in: a token request must not create a session.
        if session is not None and SESSION_KEY in session:
            now = time.time()
            if needs_touch(session.get(TOUCH_KEY), now, settings.SESSION_TOUCH_SECONDS):
                session[TOUCH_KEY] = now  # marks it modified: SessionMiddleware saves it
        return response
