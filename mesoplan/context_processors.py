"""Template context every page may need."""

from django.conf import settings


def product(request) -> dict:
    return {"session_idle_minutes": settings.SESSION_IDLE_MINUTES}
