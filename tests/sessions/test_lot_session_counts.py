"""Each lot keeps how many sessions used it (issue 16: the lot list read a COUNT
(DISTINCT) over every pass ever made): the recording and the correction of a session
keep it right in their own transaction, as the recall counts (any version names it)."""

import pytest
from django.db.models import Count

from lots.models import ProductLot
from sessions.models import Pass
from tests.sessions.lot_support import amend_to, record, recorded_sessions
from tests.sessions.recording_support import booked_course, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def boxes(practice_a, clinician_a):
    return {n: lot(practice_a, clinician_a, n) for n in ("L-100", "L-200", "L-300")}


def kept() -> dict[str, int]:
    return dict(ProductLot.objects.values_list("lot_number", "session_count"))


def counted() -> dict[str, int]:
    """What the list used to count on every request: records with a pass from the lot."""
    rows = ProductLot.objects.annotate(n=Count("passes__session_record", distinct=True))
    return {row.lot_number: row.n for row in rows}


def test_recording_counts_each_session_once_per_lot(boxes, clinician_a):
    recorded_sessions(clinician_a, 2, "L-100")
    course = booked_course(clinician_a)
    record(clinician_a, course.appointments.get(sequence=1), "L-100", "L-200")
    assert kept() == {"L-100": 3, "L-200": 1, "L-300": 0} == counted()


def test_a_correction_counts_a_lot_it_names_newly_and_keeps_the_one_it_replaced(boxes, clinician_a):
    first, second = recorded_sessions(clinician_a, 2, "L-100")
    amend_to(clinician_a, first, "L-200")  # the patient may still have received L-100
    assert kept() == {"L-100": 2, "L-200": 1, "L-300": 0} == counted()
    amend_to(clinician_a, first, "L-100")  # back to a lot an earlier version named
    amend_to(clinician_a, first, "L-200")
    assert kept() == {"L-100": 2, "L-200": 1, "L-300": 0} == counted()
    amend_to(clinician_a, second, "L-300")
    assert kept() == {"L-100": 2, "L-200": 1, "L-300": 1} == counted()
    assert Pass.objects.filter(session_record=first).values("version").distinct().count() == 4


def test_a_refused_recording_counts_nothing(boxes, clinician_a):
    from mesoplan.errors import InvalidInput

    course = booked_course(clinician_a)
    with pytest.raises(InvalidInput):
        record(clinician_a, course.appointments.get(sequence=1), "L-100", "L-999")
    assert kept() == {"L-100": 0, "L-200": 0, "L-300": 0}
