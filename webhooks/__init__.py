"""Outgoing webhooks (API.md, Webhooks): a practice manager registers endpoints; every
change of an appointment is delivered to them, signed as Standard Webhooks v1 says, by the
Celery worker after the change commits, retried on a schedule and logged attempt by
attempt. The appointments' change log (scheduling.change_triggers) is the outbox."""
