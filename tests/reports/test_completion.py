"""Completion and drop-out (DOMAIN.md, "Completion"): courses by sessions recorded, the
share that reached session 8, and a course with no session for 90 days before 8."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.clinical_figures import completion
from scheduling.models import Course
from tests.outcomes.outcome_support import recorded_session
from tests.sessions.recording_support import booked_course

pytestmark = pytest.mark.django_db


def test_courses_by_sessions_recorded_and_the_drop_outs(clinician_a):
    practice = clinician_a.practice
    booked_course(clinician_a)  # booked, nothing recorded yet
    stale = booked_course(clinician_a)  # booked 100 days ago, nothing since: dropped out
    Course.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=100))
    recorded_session(clinician_a)
    twice = recorded_session(clinician_a).course
    recorded_session(clinician_a, course=twice)
    recorded_session(clinician_a, protocol="mesohair")
    cancelled = booked_course(clinician_a)
    Course.objects.filter(pk=cancelled.pk).update(status=Course.Status.CANCELLED)

    figures = completion([practice.pk], timezone.now())
    lift = figures["mesolift"]
    assert lift["courses"] == 4  # the cancelled course is not counted
    assert {k: v for k, v in lift["by_sessions"].items() if v} == {"0": 2, "1": 1, "2": 1}
    assert (lift["reached_8"], lift["dropped_out"]) == (0, 1)
    assert lift["share_dropped_out"] == 0.25 and lift["ci95_reached_8"][0] == 0
    assert figures["mesohair"]["by_sessions"]["1"] == 1
    assert set(completion([practice.pk], timezone.now(), "mesohair")) == {"mesohair"}
    # 100 days on, every course without 8 sessions has dropped out.
    later = completion([practice.pk], timezone.now() + timedelta(days=100))
    assert later["mesolift"]["dropped_out"] == 4
