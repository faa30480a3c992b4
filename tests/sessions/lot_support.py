"""Recorded sessions for the lot, recall and adverse-event tests: a course's appointments
recorded with passes from given lots (through sessions.recording, as a clinician would)."""

from sessions import recording
from tests.sessions.recording_support import a_pass, a_past_moment, booked_course, fine_check


def record(clinician, appointment, *lot_numbers: str, performed_at=None, regions=("forehead",)):
    """Records the appointment: per region a single-pulse and a nappage pass, the lots
    taken in turn (one lot number: every pass from it). Performed in the past unless
    told otherwise (a_past_moment), so that an adverse event can begin "now"."""
    numbers = lot_numbers or ("L-100",)
    passes = []
    for region in regions:
        for technique in ("single_pulse", "nappage"):
            passes.append(a_pass(technique, region, numbers[len(passes) % len(numbers)]))
    return recording.record_session(
        actor=clinician,
        appointment=appointment,
        answers=fine_check(),
        passes=passes,
        performed_at=performed_at or a_past_moment(),
    )


def recorded_sessions(clinician, count: int, *lot_numbers: str, patient=None, **kwargs):
    """`count` (up to 8) recorded sessions of one new course, first session first."""
    course = booked_course(clinician, patient=patient)
    appointments = list(course.appointments.order_by("sequence")[:count])
    return [record(clinician, a, *lot_numbers, **kwargs) for a in appointments]


def amend_to(clinician, session, lot_number: str, reason="Wrong box noted"):
    """A correction naming another lot for every pass (the original keeps its lot)."""
    return recording.amend_session(
        actor=clinician,
        record=session,
        reason=reason,
        passes=[a_pass("single_pulse", "forehead", lot_number)],
    )
