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


def starts() -> list[datetime]:
    return [territory.course_start(n, courses, TODAY) for n in USERS for courses in range(60)]


def test_consultations_begin_after_every_course_the_run_books_has_ended():
    # Sessions 1-4 fourteen days apart, 5-8 monthly, each moved up to 3 days.
    course_end = max(starts()).date() + timedelta(days=3 * 14 + 4 * 31 + 3)
    first = min(next(territory.consultation_slots(number, TODAY)) for number in USERS)
    assert course_end < first.date()


def test_no_bi_weekly_session_of_a_course_comes_within_a_day_of_a_closure():
    """A session 2 ideally on 25 December cannot move to the 24th or the 26th (closed
    too): the course is unplaceable (409), the test's fault, not the app's."""
    for start in starts():
        assert start.weekday() < 5 and start.date() > TODAY
        for k in range(4):
            day = start.date() + timedelta(days=14 * k)
            for off in (-1, 0, 1):
                near = day + timedelta(days=off)
                assert (near.month, near.day) not in territory.HOLIDAYS, (start, k)
    # The run starts on 3 December: without the rule, 11 December would be chosen.
    assert date(2026, 12, 11) not in {start.date() for start in starts()}


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
