"""The schedule is data on the protocol: the planner reads it, never constants."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from protocols.models import Protocol
from protocols.planner import Availability, plan_course_dates

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
OPEN = Availability(BERLIN, {d: [(time(8), time(18))] for d in range(7)})


def test_the_loaded_protocols_carry_the_domains_schedule():
    for protocol in Protocol.objects.all():
        schedule = protocol.schedule()
        assert (schedule.session_count, schedule.initial_sessions) == (8, 4)
        assert schedule.interval_choices == (7, 14)
        assert (schedule.initial_tolerance_days, schedule.later_tolerance_days) == (1, 3)


def test_an_edited_schedule_changes_the_plan():
    protocol = Protocol.objects.get(code="mesolift")
    protocol.session_count, protocol.initial_sessions, protocol.interval_choices = 6, 2, [10]
    protocol.session_minutes = 30
    protocol.save()
    plan = plan_course_dates(datetime(2026, 9, 1, 9, tzinfo=BERLIN), 10, protocol.schedule(), OPEN)
    assert [s.start.strftime("%d %b") for s in plan.sessions] == [
        "01 Sep",
        "11 Sep",
        "11 Oct",
        "11 Nov",
        "11 Dec",
        "11 Jan",
    ]
    assert all((s.end - s.start).seconds == 30 * 60 for s in plan.sessions)


def test_the_api_shows_the_schedule(api_a):
    body = api_a.get("/api/v1/protocols/mesohair/").json()
    assert body["session_count"] == 8 and body["interval_choices"] == [7, 14]
    assert body["initial_sessions"] == 4 and body["session_minutes"] == 45
