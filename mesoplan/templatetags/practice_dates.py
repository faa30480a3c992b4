"""The practice's date format in templates (mesoplan/date_display.py), a builtin library:

    {{ patient.date_of_birth|practice_date }}           05 Mar 1984
    {{ appointment.starts_at|practice_date:"weekday" }}  Thu 05 Mar 2026
    {{ appointment.starts_at|practice_datetime }}        05 Mar 2026, 09:30
    {{ e.start|practice_datetime:"weekday short" }}      Thu 05 Mar, 09:30 (no year)
    {{ e.start|practice_time }}                          09:30
    {{ entry.at|practice_time:"seconds" }}               09:30:12 (the audit trail)
    {{ column.day|practice_weekday:"short" }}            Thu
    {{ screening.hair_loss_onset|practice_month }}       Mar 2024

Templates use these instead of `|date:"..."` (a test walks templates/ to keep it so);
`|date:"c"` and `|date:"Y-m-d"` stay for attributes and URLs.
"""

from datetime import datetime

from django import template
from django.utils import timezone

from mesoplan import date_display

register = template.Library()
STYLES = {"weekday", "short"}


def _style(words: str) -> tuple[bool, bool]:
    """(weekday, year) of a style such as "weekday short"."""
    given = set(words.split())
    if given - STYLES:
        raise template.TemplateSyntaxError(
            f"Unknown date style {sorted(given - STYLES)}: use 'weekday' and/or 'short'."
        )
    return "weekday" in given, "short" not in given


def _zone(value):
    """The zone the request activated, for an aware datetime (as Django's `|date`)."""
    return timezone.get_current_timezone() if isinstance(value, datetime) else None


@register.filter
def practice_date(value, style: str = "") -> str:
    if not value:
        return ""
    weekday, year = _style(style)
    return date_display.practice_date(value, _zone(value), weekday=weekday, year=year)


@register.filter
def practice_datetime(value, style: str = "") -> str:
    if not value:
        return ""
    weekday, year = _style(style)
    return date_display.practice_datetime(value, _zone(value), weekday=weekday, year=year)


@register.filter
def practice_time(value, style: str = "") -> str:
    """`|practice_time` (09:30), `|practice_time:"seconds"` (09:30:12)."""
    if style not in ("", "seconds"):
        raise template.TemplateSyntaxError(f"Unknown time style {style!r}: use 'seconds'.")
    if not value:
        return ""
    return date_display.practice_time(value, _zone(value), seconds=style == "seconds")


@register.filter
def practice_month(value) -> str:
    return date_display.practice_month(value) if value else ""


@register.filter
def practice_weekday(value, style: str = "") -> str:
    """`|practice_weekday` (Thursday), `|practice_weekday:"short"` (Thu)."""
    if style not in ("", "short"):
        raise template.TemplateSyntaxError(f"Unknown weekday style {style!r}: use 'short'.")
    return date_display.practice_weekday(value, short=style == "short") if value else ""
