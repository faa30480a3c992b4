"""What a move proposal says about a session moved off its interval, at the edges (issue
15.9, the survivors of mutation testing): how far and which way, what stood there (a
closure with or without a reason, hours, another session, the patient), back to back
being free, and the 409 of an appointment outside a course. Pure but for none."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from protocols.planner import Availability, PlannedSession, Schedule
from scheduling.move_proposal import conflict, interval_phrase, why_off_interval

BERLIN = ZoneInfo("Europe/Berlin")
HOURS = Availability(BERLIN, {d: [(time(8), time(18))] for d in range(5)})
SPLIT = Availability(BERLIN, {d: [(time(8), time(12)), (time(13), time(18))] for d in range(5)})
FORTY_FIVE = timedelta(minutes=45)
WEDNESDAY = datetime(2026, 9, 23, 10, tzinfo=BERLIN)


def test_days_later_and_earlier_in_the_plural_and_with_the_new_time():
    closed = Availability(BERLIN, HOURS.opening, frozenset({WEDNESDAY.date()}))
    two_later = why_off_interval(WEDNESDAY, WEDNESDAY + timedelta(days=2), FORTY_FIVE, closed)
    assert two_later == "moved 2 days later: the clinician is away on Wed 23 Sep"
    one_earlier = why_off_interval(
        WEDNESDAY, WEDNESDAY - timedelta(days=1, minutes=-30), FORTY_FIVE, closed
    )
    assert one_earlier == ("moved 1 day earlier, to 10:30: the clinician is away on Wed 23 Sep")


def test_a_closure_without_a_reason_names_only_the_day():
    closures = {WEDNESDAY.date(): ""}
    why = why_off_interval(
        WEDNESDAY, WEDNESDAY + timedelta(days=1), FORTY_FIVE, HOURS, closures=closures
    )
    assert why == "moved 1 day later: Wed 23 Sep is closed"
    closures = {WEDNESDAY.date(): "Congress"}
    why = why_off_interval(
        WEDNESDAY, WEDNESDAY + timedelta(days=1), FORTY_FIVE, HOURS, closures=closures
    )
    assert why == "moved 1 day later: Wed 23 Sep is closed (Congress)"


def test_outside_the_hours_names_every_interval_of_the_day():
    late = WEDNESDAY.replace(hour=11, minute=30)  # ends 12:15, into the lunch break
    why = why_off_interval(late, late.replace(hour=13, minute=0), FORTY_FIVE, SPLIT)
    assert why == "moved to 13:00: 11:30 is outside the hours (08:00-12:00, 13:00-18:00)"


def test_a_session_exactly_filling_the_hours_is_not_outside_them():
    # 11:15-12:00 ends exactly at the break: what stood there was the clinician.
    at = WEDNESDAY.replace(hour=11, minute=15)
    assert why_off_interval(at, at.replace(hour=13, minute=0), FORTY_FIVE, SPLIT) == (
        "moved to 13:00: the clinician is busy at 11:15"
    )
    at_opening = WEDNESDAY.replace(hour=8)
    assert why_off_interval(at_opening, at_opening.replace(hour=9), FORTY_FIVE, SPLIT) == (
        "moved to 09:00: the clinician is busy at 08:00"
    )


def test_another_session_of_the_course_in_the_way_is_named():
    taken = [(WEDNESDAY - timedelta(minutes=30), WEDNESDAY + timedelta(minutes=15))]
    why = why_off_interval(WEDNESDAY, WEDNESDAY.replace(hour=11), FORTY_FIVE, HOURS, taken=taken)
    assert why == "moved to 11:00: another session of this course is at 10:00"


def test_back_to_back_periods_are_not_in_the_way():
    # A sibling session ending at 10:00 and the patient's appointment from 10:45: neither
    # stood there, so the clinician did.
    taken = [(WEDNESDAY - FORTY_FIVE, WEDNESDAY)]
    patient = [(WEDNESDAY + FORTY_FIVE, WEDNESDAY + 2 * FORTY_FIVE)]
    why = why_off_interval(
        WEDNESDAY,
        WEDNESDAY.replace(hour=12),
        FORTY_FIVE,
        HOURS,
        taken=taken,
        patient_busy=patient,
    )
    assert why == "moved to 12:00: the clinician is busy at 10:00"


def test_the_patients_appointment_in_the_way_is_named():
    patient = [(WEDNESDAY + timedelta(minutes=44), WEDNESDAY + 2 * FORTY_FIVE)]
    why = why_off_interval(
        WEDNESDAY, WEDNESDAY.replace(hour=12), FORTY_FIVE, HOURS, patient_busy=patient
    )
    assert why == "moved to 12:00: the patient has another appointment at 10:00"


def test_a_time_that_has_passed_is_named_only_once_it_has():
    passed = why_off_interval(
        WEDNESDAY, WEDNESDAY.replace(hour=11), FORTY_FIVE, HOURS, not_before=WEDNESDAY
    )
    assert passed == "moved to 11:00: the clinician is busy at 10:00"  # now is not past
    later = why_off_interval(
        WEDNESDAY,
        WEDNESDAY.replace(hour=11),
        FORTY_FIVE,
        HOURS,
        not_before=WEDNESDAY + timedelta(minutes=1),
    )
    assert later == "moved to 11:00: Wed 23 Sep, 10:00 has passed"


def test_months_between_later_sessions_are_counted_in_words():
    at = WEDNESDAY
    every_two = Schedule(months_between_later_sessions=2)
    assert interval_phrase(PlannedSession(6, at, at, at), every_two, 7) == (
        "2 months after session 5"
    )
    assert interval_phrase(PlannedSession(6, at, at, at), Schedule(), 7) == (
        "one month after session 5"
    )


def test_the_409_of_an_appointment_outside_a_course_names_the_appointment():
    refused = conflict(None, WEDNESDAY, "the practice is closed or the clinician is busy.")
    assert refused.code == "reschedule_conflict"
    assert refused.message == (
        "The appointment cannot be placed: the practice is closed or the clinician is busy. "
        "Nothing was moved."
    )
    assert refused.details == {
        "conflicting": {
            "sequence": None,
            "starts_at": WEDNESDAY.isoformat(),
            "reason": "the practice is closed or the clinician is busy.",
        }
    }
    assert (
        conflict(3, WEDNESDAY, "x.").message == "Session 3 cannot be placed: x. Nothing was moved."
    )


def test_a_day_in_the_practices_zone():
    # 00:30 on Thursday in Berlin is still Wednesday in UTC: the day named is Thursday's.
    thursday = datetime(2026, 9, 24, 0, 30, tzinfo=BERLIN)
    night = Availability(BERLIN, {3: [(time(0), time(6))]}, frozenset({date(2026, 9, 24)}))
    assert why_off_interval(thursday, thursday + timedelta(hours=1), FORTY_FIVE, night) == (
        "moved to 01:30: the clinician is away on Thu 24 Sep"
    )
