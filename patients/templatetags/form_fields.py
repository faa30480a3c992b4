"""Form rendering helpers: the error summary at the top of a failed form, and what a
field template needs to know about its field."""

from dataclasses import dataclass

from django import forms, template

register = template.Library()


@dataclass(frozen=True)
class ErrorLink:
    anchor: str  # the id of the field's (first) input
    label: str
    message: str


def field_anchor(bound: forms.BoundField) -> str:
    """The id to jump to: the input itself, or a group's first radio/checkbox."""
    subwidgets = bound.subwidgets
    return (subwidgets[0].id_for_label if subwidgets else None) or bound.auto_id or ""


def summary_label(label: str, message: str) -> str:
    """The field's name in the error summary, without its last part when the message
    begins with it ("Forehead, single-pulse: Depth" and "Depth must be ..." read
    "Forehead, single-pulse: Depth must be ...", not "Depth Depth").

    >>> summary_label("Forehead, single-pulse: Depth", "Depth must be between 0.1 and 4 mm.")
    'Forehead, single-pulse'
    >>> summary_label("Forehead, single-pulse: Depth", "This field is required.")
    'Forehead, single-pulse: Depth'
    """
    head, separator, last = label.rpartition(": ")
    if separator and last and message.lower().startswith(last.lower()):
        return head
    return label


@register.inclusion_tag("patients/_error_summary.html")
def error_summary(form: forms.BaseForm, prefix: str = "form") -> dict:
    """`{% error_summary form %}`: a list of links to each invalid field, in form order.

    app.js moves focus to it when the page loads, so a screen reader announces it and a
    keyboard user starts from it."""
    links = [
        ErrorLink(
            field_anchor(bound),
            summary_label(
                getattr(bound.field, "summary_label", "") or str(bound.label), str(error)
            ),
            str(error),
        )
        for bound in form
        for error in bound.errors
    ]
    non_field = [str(e) for e in form.non_field_errors()]
    return {
        "links": links,
        "non_field": non_field,
        "count": len(links) + len(non_field),
        "prefix": prefix,
    }


@register.filter
def is_required(bound: forms.BoundField) -> bool:
    """Required always, or whenever the form asks it (a widget marked `required`)."""
    return bool(bound.field.required or bound.field.widget.attrs.get("required"))
