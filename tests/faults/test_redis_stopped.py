"""Redis stopped (issue 19, "Faults"): bookings, session records and report requests
still succeed at once, /healthz says 503 naming the broker, and what they enqueued is
delivered when Redis is back: the webhook events from the change log by the beat's sweep
(each exactly once), the report build from the outbox (mesoplan/outbox/)."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from werkzeug import Response

from mesoplan.clock import practice_zone
from mesoplan.outbox.models import PendingTask
from reports.models import Report
from scheduling.models import Appointment
from tests.factories import ClinicianFactory
from tests.faults.services import redis_answers, redis_stopped
from tests.reports.test_reports_api import URL as REPORTS
from tests.reports.test_reports_api import surveyed
from tests.sessions.recording_support import booked_course, lot
from tests.sessions.test_session_api import body as session_body
from tests.workers import purge, running_worker, wait_for
from webhooks import endpoints
from webhooks.models import Event, Message, MessageState

# A request that waited on the broker took 6 s (kombu's reconnect loop) to 20 s (the
# result backend's): this is the margin on a loaded machine, not a target.
QUICK_S = 2.0


def a_weekday_afternoon(practice, days_ahead: int = 3):
    when = (
        timezone.now().astimezone(practice_zone(practice)) + timedelta(days=days_ahead)
    ).replace(hour=14, minute=0, second=0, microsecond=0)
    while when.weekday() >= 5:
        when += timedelta(days=1)
    return when


def timed(call):
    began = time.monotonic()
    answer = call()
    return answer, time.monotonic() - began


@pytest.mark.faults
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_redis_stopped_writes_succeed_and_what_they_enqueued_is_sent_when_it_is_back(
    api_for, client, clinician_a, manager_a, ready_patient, httpserver, tmp_path
):
    # Before the endpoint exists: none of these writes is an event.
    surveyed(clinician_a, "very_satisfied")
    colleague = ClinicianFactory(practice=clinician_a.practice, username="clin_a2")
    treated = booked_course(colleague).appointments.order_by("sequence").first()
    lot(colleague.practice, colleague, "L-100")
    endpoint = endpoints.register(
        actor=manager_a, url=httpserver.url_for("/hook"), events=list(Event.values)
    ).endpoint
    received: list[tuple[str, str, str]] = []

    def receive(request):
        event = json.loads(request.data)
        received.append((request.headers["webhook-id"], event["type"], event["data"]["id"]))
        return Response("", status=204)

    httpserver.expect_request("/hook", method="POST").respond_with_handler(receive)
    clinician_api, colleague_api, manager_api = map(api_for, (clinician_a, colleague, manager_a))
    purge("celery", "webhooks", "reports")

    beat = tmp_path / "beat-schedule"
    log = tmp_path / "worker.log"
    with running_worker(
        "celery", "webhooks", "reports", log=log, concurrency=2, beat_schedule=beat
    ) as worker:
        worker.wait_until_ready()
        with redis_stopped():
            booking, booking_s = timed(
                lambda: clinician_api.post(
                    "/api/v1/courses/",
                    {
                        "patient": str(ready_patient.pk),
                        "protocol": "mesolift",
                        "clinician": str(clinician_a.pk),
                        "start": a_weekday_afternoon(clinician_a.practice).isoformat(),
                        "initial_interval_days": 7,
                    },
                    format="json",
                )
            )
            record, record_s = timed(
                lambda: colleague_api.post(
                    f"/api/v1/appointments/{treated.pk}/session/", session_body(), format="json"
                )
            )
            report, report_s = timed(
                lambda: manager_api.post(REPORTS, {"kind": "meso_report"}, format="json")
            )
            health = client.get("/healthz")
            # Still down: the build waits in the outbox, with the broker's refusal.
            assert not redis_answers()
            waiting = list(PendingTask.objects.values_list("task", "attempts", "last_error"))

        assert booking.status_code == 201, booking.content
        assert record.status_code == 201, record.content
        assert report.status_code == 202, report.content
        assert max(booking_s, record_s, report_s) < QUICK_S, (booking_s, record_s, report_s)
        assert health.status_code == 503
        assert health.json()["broker"]["ok"] is False and health.json()["broker"]["error"]
        assert health.json()["database"] == {"ok": True}
        assert [(task, attempts) for task, attempts, _ in waiting] == [
            ("reports.tasks.build_report", 1)
        ]
        assert "refused" in waiting[0][2].lower() or "connect" in waiting[0][2].lower()

        # Redis is back: the worker reconnects, beat's sweeps send what waited.
        report_id = report.json()["id"]
        wait_for(lambda: Report.objects.get(pk=report_id).status == "done", 90, "the build", log)
        assert Report.objects.get(pk=report_id).result["patients"] == 1

        booked = {a["id"] for a in booking.json()["appointments"]}
        assert len(booked) == 8

        def all_told():
            messages = Message.objects.filter(endpoint=endpoint)
            told = {m.event: set() for m in messages}
            for m in messages:
                told[m.event].add(json.loads(m.body)["data"]["id"])
            return (
                told.get(Event.APPOINTMENT_CREATED) == booked
                and str(treated.pk) in told.get(Event.APPOINTMENT_UPDATED, set())
                and not messages.exclude(state=MessageState.DELIVERED).exists()
            )

        wait_for(all_told, 90, "every event delivered", log)
        assert worker.process.poll() is None, "the worker rode out the outage"

    made = set(Message.objects.filter(endpoint=endpoint).values_list("pk", flat=True))
    assert sorted(webhook_id for webhook_id, _, _ in received) == sorted(made)  # each once
    created = {data_id for _, kind, data_id in received if kind == Event.APPOINTMENT_CREATED}
    assert created == booked
    assert not PendingTask.objects.exists()
    assert Appointment.objects.filter(pk__in=booked).count() == 8
