"""The practice's own calendar: its zone, its today. Rules that need a date or a time of
day take them from here, explicitly, so a browser request and an API request (which
authenticate at different points) always agree, whatever zone the server runs in."""

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.utils import timezone


def practice_zone(practice: Any) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(practice.time_zone)


def practice_now(practice: Any) -> datetime:
    """Now, as a wall-clock time in the practice's zone."""
    return timezone.now().astimezone(practice_zone(practice))


def practice_today(practice: Any) -> date:
    """Today's date at the practice (it may already be tomorrow in UTC, or still
    yesterday)."""
    return practice_now(practice).date()
