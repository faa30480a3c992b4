"""The time grid's appointments and free periods, written as HTML in Python.

A busy practice day has 500-600 appointments; as template markup each cost some 35
variable lookups and two URL reversals, most of the day view's time. Here each block is
one format_html (everything escaped), with the URL prefixes reversed once, the labels of
kinds and statuses looked up in a dict (a model's get_FOO_display flattens its choices
on every call) and a column's blocks written by one tag. The markup and its words are
the grid's (templates/scheduling/_calendar_grid.html explains them).
"""

from functools import cache
from uuid import UUID

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from scheduling.models import AppointmentKind, AppointmentStatus

register = template.Library()

KIND_LABELS = dict(AppointmentKind.choices)
STATUS_LABELS = dict(AppointmentStatus.choices)

ZERO = UUID(int=0)
EVENT_MARK = mark_safe(
    '<span class="appt__event" title="Open adverse event">⚠</span>'
    '<span class="visually-hidden">Open adverse event: </span>'
)
ARRIVED_MARK = mark_safe('<span class="appt__arrived" aria-hidden="true">●</span> ')


@cache
def _appointment_prefix() -> str:
    return reverse("calendar:appointment", args=[ZERO]).replace(f"{ZERO}/", "")


@cache
def _book_url() -> str:
    return reverse("calendar:book")


def _hm(moment) -> str:
    return f"{moment:%H:%M}"


def _kind_text(a) -> str:
    if a.kind == "course":
        return f"Course {a.sequence}/{a.course.protocol.session_count}"
    return KIND_LABELS[a.kind]


@register.simple_tag
def appointment_blocks(column, flagged) -> SafeString:
    """A column's appointments in time order (`flagged`: the patients with an open
    adverse event)."""
    return mark_safe("".join(appointment_block(placed, flagged) for placed in column.items))


def appointment_block(placed, flagged) -> SafeString:
    """One appointment on the grid: a link to its page, placed on its rows, its kind and
    state as classes, the full text on hover (title) and for screen readers."""
    entry, a = placed.item, placed.item.appointment
    arrived = bool(a.arrived_at) and a.status == "scheduled"
    event = a.patient_id in flagged
    start, end = _hm(entry.start), _hm(entry.end)
    name = a.patient.full_name
    status = STATUS_LABELS[a.status]
    classes = [f"appt appt--{a.kind} appt--{a.status}"]
    classes += ["appt--arrived"] if arrived else []
    classes += ["appt--event"] if event else []
    classes += ["appt--short"] if placed.span < 3 else []
    classes += ["appt--tiny"] if placed.span < 2 else []
    classes.append(f"at-{placed.row} span-{placed.span}")
    what = f"session {a.sequence}" if a.kind == "course" else KIND_LABELS[a.kind].lower()
    state = "arrived" if arrived else status.lower()
    url = f"{_appointment_prefix()}{a.pk}/"
    mark = EVENT_MARK if event else ""
    if a.status == "completed":
        sign = "✓ "
    elif a.status == "no_show":
        sign = "! "
    elif a.arrived_at:
        sign = ARRIVED_MARK
    else:
        sign = ""
    progress = entry.progress.label + " done" if entry.progress else ""
    if placed.span >= 3:
        if arrived:
            said = format_html("Arrived {}{}", _hm(entry.arrived), " · " if progress else "")
        elif a.status == "scheduled":
            said = format_html(
                '<span class="visually-hidden">{}{}</span>', status, ", " if progress else ""
            )
        else:
            said = format_html("{}{}", status, " · " if progress else "")
        body = format_html(
            '<span class="appt__when">{}\u2013{}</span><span class="appt__what">{}</span>'
            '<span class="appt__status">{}{}</span>',
            start,
            end,
            _kind_text(a),
            said,
            progress,
        )
    else:
        body = format_html(
            '<span class="appt__when">{} · {}</span><span class="visually-hidden">, {}\u2013{}{}, {}'
            "</span>",
            start,
            _kind_text(a),
            start,
            end,
            f", {progress}" if progress else "",
            "arrived" if arrived else status,
        )
    return format_html(
        '<a class="{}" href="{}" title="{}"{}><span class="appt__who">{}{}{}</span>{}</a>',
        " ".join(classes),
        url,
        f"{name} · {start}\u2013{end} · {what} · {state}",
        format_html(' data-move-url="{}"', url) if a.status == "scheduled" else "",
        mark,
        sign,
        name,
        body,
    )


@register.simple_tag
def free_blocks(column, clinician_id, day_label: str, who: str = "") -> SafeString:
    """A column's free periods, each a link that books it (calendar.js picks the quarter
    hour under the pointer)."""
    day = column.day.isoformat()
    base = f"{_book_url()}?clinician={clinician_id}&date={day}&time="
    return format_html_join(
        "",
        '<a class="cal__free at-{} span-{}" href="{}{}" data-starts="{}" data-ends="{}">'
        '<span class="visually-hidden">Book {}on {} at {} (free until {})</span></a>',
        (
            (
                free.row,
                free.span,
                base,
                free.starts,
                free.starts,
                free.ends,
                f"with {who} " if who else "",
                day_label,
                free.starts,
                free.ends,
            )
            for free in column.free
        ),
    )
