"""How a session's numbers read: 1.5 mm, 0.05 ml, 10 mm (never 1.500 or 1E+1)."""

from decimal import Decimal

from django import template

from sessions.passes import number_text

register = template.Library()
NONE = "\u2013"  # an en dash: no value


@register.filter
def amount(value: Decimal | int | None) -> str:
    """`{{ p.volume_ml|amount }}`: the shortest exact text of a number, a dash for none.

    >>> amount(Decimal("0.500")), amount(Decimal("10.0")), amount(None) == NONE
    ('0.5', '10', True)
    """
    return NONE if value is None else number_text(value)
