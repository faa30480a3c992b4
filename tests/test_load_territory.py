"""`make load`'s simulated clinicians book in territories of their own
(load/territory.py): were two to overlap, the load test would count the app's correct
409s as errors, or hide a real one among them."""

import importlib.util
import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("territory", ROOT / "load/territory.py")
assert _spec and _spec.loader
territory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(territory)

USERS = range(territory.USERS_MAX)
TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


def test_consultations_and_their_moves_never_meet_another_users():
    taken: dict[datetime, int] = {}
    for number in USERS:
        slots = list(itertools.islice(territory.consultation_slots(number, TODAY), 40))
        assert len(slots) == 40
        for start in slots:
            local = start.astimezone(territory.ZONE)
            assert local.weekday() < 5 and 9 <= local.hour < 17  # the demo's opening hours
            assert start.date() <= TODAY + timedelta(days=settings.BOOKING_HORIZON_DAYS)
            for moment in (start, start + timedelta(minutes=30)):  # booked, then moved
                assert taken.setdefault(moment, number) == number


def test_consultations_begin_after_every_course_the_run_books_has_ended():
    latest_course_start = max(
        territory.course_start(number, courses, TODAY) for number in USERS for courses in range(60)
    )
    # 8 sessions 14 days apart, with three weeks' slack for the planner.
    course_end = latest_course_start.date() + timedelta(days=7 * 14 + 21)
    first = min(next(territory.consultation_slots(number, TODAY)) for number in USERS)
    assert course_end < first.date()


def test_recorded_sessions_are_at_distinct_past_moments_within_the_backdate_limit():
    moments = set()
    per_user = territory.NIGHTS_PER_USER * territory.RECORDINGS_PER_NIGHT
    for number in USERS:
        for recorded in range(per_user):
            moment = territory.recorded_at(number, recorded, NOW)
            assert moment is not None and 1 <= moment.hour <= 4  # no demo appointment then
            assert NOW - timedelta(days=settings.SESSION_BACKDATE_DAYS) < moment < NOW
            moments.add(moment)
        assert territory.recorded_at(number, per_user, NOW) is None
    assert len(moments) == len(USERS) * per_user  # 45-minute sessions an hour apart
