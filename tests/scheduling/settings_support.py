"""What the calendar-settings tests share: the frozen moment, a split day, the audit actions."""

from datetime import UTC, datetime, time

from mesoplan.models import AuditEntry

NOW = datetime(2026, 9, 8, 6, 0, tzinfo=UTC)
SPLIT = [(time(8), time(12)), (time(14), time(18))]


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("at", "id").values_list("action", flat=True))
