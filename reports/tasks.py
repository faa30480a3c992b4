"""The report builds' Celery task, in its own queue (`reports`) so that a long build
holds up neither reminders nor webhooks. Late acknowledgement with reject-on-worker-lost
(settings): a worker killed mid-build leaves the message unacknowledged, the broker hands
it out again, and `builds.build` builds it again from the start (it is idempotent)."""

from celery import shared_task

from reports import builds

QUEUE = "reports"


@shared_task(name="reports.tasks.build_report", acks_late=True, reject_on_worker_lost=True)
def build_report(report_id: str) -> str:
    return builds.build(report_id)
