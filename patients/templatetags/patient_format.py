"""Display helpers for patient records."""

from datetime import date

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def age(born: date | None, on: date | None = None) -> str:
    """Whole years on `on` (default: today), e.g. 47."""
    if not born:
        return ""
    today = on or timezone.localdate()
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


@register.filter
def get_item(mapping, key):
    """`mapping|get_item:key` for dictionaries keyed by variables."""
    return mapping.get(key) if mapping else None
