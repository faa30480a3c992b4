"""How a report table's cell reads on the page (reports.tables.Column.format)."""

from django import template

from reports.tables import SUPPRESSED

register = template.Library()
DASH, MINUS = "\u2013", "\u2212"  # no figure; a negative number (typographic minus)


@register.filter
def cell(value, column):
    """
    >>> from reports.tables import Column
    >>> cell(0.8123, Column("x", "pct")), cell(None, Column("x", "count")), cell(1234, Column("x"))
    ('81.2%', '<11', '1,234')
    >>> cell(None, Column("x", "pct")), cell(True, Column("x", "flag")), cell(-3.5, Column("x", "num"))
    ('\u2013', 'Flagged', '\u22123.5')
    """
    kind = column.format
    if value is None:
        return SUPPRESSED if kind == "count" else DASH
    if kind == "flag":
        return "Flagged" if value else ""
    if kind == "pct":
        return f"{100 * value:.1f}%"
    if kind == "num":
        return f"{value:g}".replace("-", MINUS)
    if kind in ("int", "count"):
        return f"{value:,}"
    return value


@register.filter
def numeric(column) -> bool:
    return column.format != "text"


@register.filter
def zip_columns(row, columns):
    """A row's cells with their columns: [(column, value), ...]."""
    return list(zip(columns, row, strict=True))


@register.filter
def thousands(value):
    """
    >>> thousands(13878), thousands(None)
    ('13,878', '')
    """
    return "" if value is None else f"{value:,}"
