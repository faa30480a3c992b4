"""From the appointments' change log to messages: each change a practice's endpoints
subscribe to becomes one message per endpoint, its body fixed then. The log is written in
the change's own transaction (scheduling.change_triggers) and read here only where it is
final (scheduling.sync), so no change is lost or told twice, whenever the worker runs:
after each write commits, and on a beat for what a worker that was down missed."""

import json

from django.db import transaction
from django.utils import timezone

from mesoplan.clock import practice_zone
from mesoplan.models import Practice
from scheduling import sync
from scheduling.models import Appointment, ChangeOperation
from scheduling.representation import appointment_representation, iso_datetime

from .models import Endpoint, Event, FanOutCursor, Message

BATCH = 500
EVENT_OF = {
    ChangeOperation.CREATED: Event.APPOINTMENT_CREATED,
    ChangeOperation.UPDATED: Event.APPOINTMENT_UPDATED,
    ChangeOperation.CANCELLED: Event.APPOINTMENT_CANCELLED,
    ChangeOperation.DELETED: Event.APPOINTMENT_DELETED,
}


def start_cursor(practice) -> None:
    """An endpoint hears of changes from its registration on: the practice's cursor
    starts where the log stands (if it has none yet)."""
    end = sync.log_end(practice)
    FanOutCursor.objects.get_or_create(
        practice=practice, defaults={"xid": end.xid, "change_id": end.change_id}
    )


def body_of(change, appointment, zone) -> str:
    if appointment is None or change.operation == ChangeOperation.DELETED:
        data = {"id": str(change.appointment_id), "deleted": True}
    else:
        data = appointment_representation(appointment, zone)
    payload = {
        "type": EVENT_OF[change.operation],
        "timestamp": iso_datetime(change.at, zone),
        "data": data,
    }
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def fan_out(practice_id, now=None) -> list[str]:
    """Messages for the practice's new changes; the ids of those made (to send now)."""
    now = now or timezone.now()
    made: list[str] = []
    while True:
        with transaction.atomic():
            cursor = (
                FanOutCursor.objects.select_for_update().filter(practice_id=practice_id).first()
            )
            if cursor is None:
                return made  # no endpoint was ever registered
            position = sync.Position(cursor.xid, cursor.change_id)
            changes, reached = sync.every_change_after(practice_id, position, BATCH)
            if not changes:
                return made
            endpoints = [
                e for e in Endpoint.objects.filter(practice_id=practice_id, is_active=True)
            ]
            if endpoints:
                made += _messages(practice_id, changes, endpoints, now)
            cursor.xid, cursor.change_id = reached.xid, reached.change_id
            cursor.save(update_fields=["xid", "change_id"])
        if len(changes) < BATCH:
            return made


def _messages(practice_id, changes, endpoints, now) -> list[str]:
    zone = practice_zone(Practice.objects.get(pk=practice_id))
    current = Appointment.objects.in_bulk([c.appointment_id for c in changes])
    messages = []
    for change in changes:
        event = EVENT_OF[change.operation]
        body = None
        for endpoint in endpoints:
            if event not in endpoint.events or change.at < endpoint.created_at:
                continue
            body = body or body_of(change, current.get(change.appointment_id), zone)
            messages.append(
                Message(
                    endpoint=endpoint,
                    event=event,
                    change_id=change.id,
                    body=body,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    Message.objects.bulk_create(messages, ignore_conflicts=True)
    return [m.id for m in messages]
