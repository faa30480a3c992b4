"""The practice's day in numbers, for the dashboard: appointments per month (sessions
held, cancellations, no-shows) over the last twelve months, and the patients due for
maintenance. One GROUP BY over the calendar's index (practice, starts_at) and one count
over the recall list's (practice, resolved_at, due_from): the cost follows the twelve
months shown, not the practice's history."""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from scheduling.models import Appointment, AppointmentKind, AppointmentStatus, RecallEntry

MONTHS = 12


def month_starts(today: date, months: int = MONTHS) -> list[date]:
    """The first day of each of the last `months` months, oldest first, this one last.

    >>> [d.isoformat() for d in month_starts(date(2026, 2, 14), 3)]
    ['2025-12-01', '2026-01-01', '2026-02-01']
    """
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def activity(practice_ids, today: date, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
    """Per month (in `zone`, the practice's; UTC for a network of several zones):
    appointments, sessions held (course and maintenance appointments completed),
    cancellations and no-shows; and the recall list's counts as of `today`."""
    months = month_starts(today)
    since = datetime.combine(months[0], time.min, tzinfo=zone)
    treatment = Q(kind__in=[AppointmentKind.COURSE, AppointmentKind.MAINTENANCE])
    grouped = (
        Appointment.objects.filter(practice_id__in=practice_ids, starts_at__gte=since)
        .order_by()
        .annotate(month=TruncMonth("starts_at", tzinfo=zone))
        .values("month")
        .annotate(
            appointments=Count("id"),
            sessions=Count("id", filter=treatment & Q(status=AppointmentStatus.COMPLETED)),
            cancelled=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
            no_show=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
        )
    )
    by_month = {_as_date(g["month"]): g for g in grouped}
    empty = {"appointments": 0, "sessions": 0, "cancelled": 0, "no_show": 0}
    rows = []
    for start in months:
        g = by_month.get(start, empty)
        rows.append({"month": start.isoformat()[:7], **{k: g[k] for k in empty}})
    due = RecallEntry.objects.filter(
        practice_id__in=practice_ids, resolved_at__isnull=True, due_from__lte=today
    ).aggregate(due=Count("id"), overdue=Count("id", filter=Q(due_until__lt=today)))
    return {
        "zone": str(zone),
        "months": rows,
        "maintenance_due": due["due"],
        "maintenance_overdue": due["overdue"],
    }


def _as_date(value) -> date:
    return value.date() if isinstance(value, datetime) else value
