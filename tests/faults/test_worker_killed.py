"""The worker's pool child SIGKILLed while it runs a task (issue 19, "Faults"): the broker
hands the task out again (acks_late, task_reject_on_worker_lost: mesoplan/settings.py)
and the side effect still happens once. A reminder killed mid-send goes out once; a
webhook delivery killed while the receiver holds the request is not posted again by the
redelivered task. A report build killed mid-build is built once:
tests/reports/test_worker.py::test_a_worker_killed_mid_build_leaves_nothing_half_built_and_the_build_is_redone
(it runs in the parallel phase: it stops no service and has the `reports` queue to itself)."""

import json
import re
import threading
from datetime import timedelta
from email import message_from_string
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from werkzeug import Response

from mesoplan.celery import send_now
from scheduling import reminders
from scheduling.models import Appointment
from scheduling.tasks import send_due_reminders, send_reminder
from tests.sessions.recording_support import booked_course
from tests.workers import purge, running_worker, wait_for
from webhooks import endpoints
from webhooks.models import Attempt, Event, Message, MessageState
from webhooks.tasks import QUEUE as WEBHOOKS

PAUSE_S = 4  # each reminder attempt waits this long, marked and locked, before sending

pytestmark = [
    pytest.mark.faults,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def runs_of(log: Path, task: str) -> dict[str, list[str]]:
    """Per task id, what the worker's log says of each run: received, succeeded..."""
    runs: dict[str, list[str]] = {}
    for task_id, what in re.findall(rf"{re.escape(task)}\[([0-9a-f-]+)\] (\w+)", log.read_text()):
        runs.setdefault(task_id, []).append(what)
    return runs


def in_transaction_after(statement: str) -> bool:
    """Whether another session of this database sits idle in a transaction whose last
    statement starts so: the worker paused inside its transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND state = 'idle in transaction'"
            " AND query ILIKE %s",
            [statement + "%"],
        )
        return cursor.fetchone()[0] > 0


def reminders_sent(mail_dir: Path) -> list[str]:
    """The subjects of every e-mail the worker's file backend wrote."""
    subjects = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                subjects.append(message_from_string(chunk.strip())["Subject"])
    return subjects


def test_a_reminder_killed_mid_send_is_sent_again_and_only_once(clinician_a, tmp_path):
    appointment = booked_course(clinician_a).appointments.order_by("sequence").first()
    moved = timezone.now().replace(microsecond=0) + timedelta(hours=2)  # due for its reminder
    appointment.ends_at += moved - appointment.starts_at
    appointment.starts_at = moved
    appointment.save()
    assert reminders.due_for_reminder(timezone.now()) == [appointment.pk]
    mail = tmp_path / "mail"
    env = {"EMAIL_URL": f"filemail:///{mail}", reminders.SEND_DELAY_ENV: str(PAUSE_S)}
    purge("celery")
    log = tmp_path / "worker.log"
    with running_worker("celery", log=log, env=env) as worker:
        assert send_now(send_due_reminders)  # what beat does every five minutes
        wait_for(
            lambda: in_transaction_after('UPDATE "scheduling_appointment" SET "reminder_sent_at"'),
            60,
            "the reminder to be marked, its e-mail not sent yet",
            log,
        )
        worker.kill_pool_child()
        # The killed child's transaction went with its connection: not marked.
        assert Appointment.objects.get(pk=appointment.pk).reminder_sent_at is None

        wait_for(
            lambda: Appointment.objects.get(pk=appointment.pk).reminder_sent_at,
            60,
            "the resend",
            log,
        )
        wait_for(lambda: reminders_sent(mail), 10, "the e-mail file", log)
        (runs,) = runs_of(log, "sessions.tasks.send_reminder").values()
        assert runs.count("received") == 2, runs  # the same task, handed out again

        # A later beat run and a duplicate task message find it sent.
        assert send_now(send_due_reminders) and send_now(send_reminder, str(appointment.pk))
        wait_for(
            lambda: (
                sum(
                    r.count("succeeded")
                    for r in runs_of(log, "sessions.tasks.send_reminder").values()
                )
                == 2
                and sum(
                    r.count("succeeded")
                    for r in runs_of(log, "sessions.tasks.send_due_reminders").values()
                )
                == 2
            ),
            60,
            "the later runs",
            log,
        )
    assert len(reminders_sent(mail)) == 1, reminders_sent(mail)
    assert reminders_sent(mail)[0].startswith("Reminder: your appointment on")


def test_a_webhook_delivery_killed_mid_request_is_not_posted_again(
    manager_a, clinician_a, httpserver, tmp_path
):
    appointment = booked_course(clinician_a).appointments.order_by("sequence").first()
    endpoint = endpoints.register(
        actor=manager_a, url=httpserver.url_for("/hook"), events=list(Event.values)
    ).endpoint
    arrived: list[str] = []
    release = threading.Event()

    def hold(request):
        """The receiver has the request and takes its time to answer."""
        arrived.append(request.headers["webhook-id"])
        release.wait(timeout=30)
        return Response("", status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(hold)
    purge(WEBHOOKS)
    log = tmp_path / "worker.log"
    try:
        with running_worker(WEBHOOKS, log=log) as worker:
            appointment.starts_at += timedelta(hours=1)  # one change: one event
            appointment.ends_at += timedelta(hours=1)
            appointment.save()  # its commit asks the worker to fan out and deliver
            wait_for(lambda: arrived, 60, "the delivery to reach the receiver", log)
            worker.kill_pool_child()
            release.set()

            # The new child gets the same task again; the message's lease (taken before
            # the request went out) tells it another attempt may still be under way.
            def redelivered():
                runs = runs_of(log, "webhooks.tasks.deliver_message")
                return any(r.count("received") == 2 and "succeeded" in r for r in runs.values())

            wait_for(redelivered, 60, "the redelivered task to finish", log)
    finally:
        release.set()
    (message,) = Message.objects.filter(endpoint=endpoint)
    assert arrived == [message.pk]  # posted once, by the killed attempt only
    assert json.loads(message.body)["data"]["id"] == str(appointment.pk)
    # Its outcome is unknown (the answer died with the child): still pending, no attempt
    # logged, leased; after the lease the sweep sends it again under the same
    # webhook-id, which a receiver that already has it recognises (docs/architecture.md).
    assert (message.state, message.attempts) == (MessageState.PENDING, 0)
    assert message.leased_until is not None and message.leased_until > timezone.now()
    assert not Attempt.objects.filter(message=message).exists()
