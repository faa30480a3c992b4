"""Demo webhooks for `manage.py seed_demo`: one endpoint per practice, pointing at a port
where nothing listens (127.0.0.1:9), so the delivery log shows real failed attempts on
the retry schedule. Berlin's has been failing for five days and is disabled; Hamburg's
is still retrying. The attempts are made by the delivery code itself, with the clock
stepped through the schedule. Re-running adds nothing."""

from datetime import timedelta

from django.utils import timezone

from mesoplan.roles import Role
from scheduling.models import AppointmentChange

from . import delivery, endpoints, fanout
from .models import Endpoint, Event, FanOutCursor, MessageState

URL = "http://127.0.0.1:9/mesoplan-demo-receiver"
DESCRIPTION = "Demo: a receiver that is not there (port 9), to show retries"


def _attempts_until(message_id, start, until) -> None:
    now = start
    while now <= until:
        attempt = delivery.deliver(message_id, now=now)
        if attempt is None or attempt.next_retry_at is None:
            return
        now = attempt.next_retry_at


def _demo_endpoint(practice, manager, failing_for: timedelta) -> Endpoint | None:
    if Endpoint.objects.filter(practice=practice, url=URL).exists():
        return None
    began = timezone.now() - failing_for
    endpoint = endpoints.register(
        actor=manager, url=URL, events=list(Event.values), description=DESCRIPTION
    ).endpoint
    Endpoint.objects.filter(pk=endpoint.pk).update(created_at=began - timedelta(hours=1))
    last = list(AppointmentChange.objects.filter(practice=practice).order_by("-xid", "-id")[:3])
    if not last:
        return endpoint
    first = last[-1]
    FanOutCursor.objects.filter(practice=practice).update(xid=first.xid, change_id=first.id - 1)
    messages = fanout.fan_out(practice.pk, now=began)
    # The first message runs its whole schedule; the next ones start a day or so apart.
    for number, message_id in enumerate(messages):
        start = began + timedelta(days=2 * number)
        _attempts_until(message_id, start, timezone.now())
    return endpoint


def seed_demo(staff, patients: int, seed: int) -> list[str]:
    made = []
    for practice, failing_for in zip(
        staff.practices, (timedelta(days=5, hours=8), timedelta(hours=3)), strict=False
    ):
        manager = practice.staff.filter(role=Role.PRACTICE_MANAGER, is_active=True).first()
        if manager is None:
            continue
        endpoint = _demo_endpoint(practice, manager, failing_for)
        if endpoint is not None:
            endpoint.refresh_from_db()
            waiting = endpoint.messages.filter(state=MessageState.PENDING).count()
            made.append(
                f"{practice.name}: {'disabled after 5 days of failures' if not endpoint.is_active else f'retrying ({waiting} waiting)'}"
            )
    if not made:
        return []
    return [f"Webhooks: a demo endpoint per practice ({URL}, nothing listens): " + "; ".join(made)]
