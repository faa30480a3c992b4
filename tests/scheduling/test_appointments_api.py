"""Appointments: filters, move a session and the later ones follow (or nothing moves),
cancel frees the slot."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mesoplan.models import AuditEntry
from scheduling.models import Appointment, Closure
from tests.factories import PatientFactory
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201
    return response.json()


def _starts(course_id):
    return [
        a.starts_at for a in Appointment.objects.filter(course_id=course_id).order_by("sequence")
    ]


def move(api, appointment_id, starts_at, **headers):
    with time_machine.travel(NOW, tick=False):
        return api.patch(
            f"/api/v1/appointments/{appointment_id}/",
            {"starts_at": starts_at},
            format="json",
            **headers,
        )


def test_moving_session_2_moves_3_to_8_so_the_intervals_hold(api_a, course):
    before = _starts(course["id"])
    second = course["appointments"][1]
    response = move(api_a, second["id"], "2026-09-16T14:00:00+02:00")  # Wednesday, 14:00
    assert response.status_code == 200, response.content
    after = [s.astimezone(BERLIN).strftime("%a %d %b %H:%M") for s in _starts(course["id"])]
    assert after[0] == before[0].astimezone(BERLIN).strftime("%a %d %b %H:%M")
    assert after[1:] == [
        "Wed 16 Sep 14:00",
        "Wed 23 Sep 14:00",
        "Wed 30 Sep 14:00",
        "Fri 30 Oct 14:00",
        "Mon 30 Nov 14:00",
        "Wed 30 Dec 14:00",
        "Fri 29 Jan 14:00",  # the 30th is a Saturday: the nearest open day
    ]
    entry = AuditEntry.objects.get(action="appointment.reschedule")
    assert "and 6 later sessions" in entry.summary  # sessions 3 to 8


def test_a_move_that_would_strand_a_later_session_moves_nothing(api_a, clinician_a, course):
    before = _starts(course["id"])
    # Moving session 2 to Tuesday 15 Sep puts session 3 on 22 Sep: closed, and so are
    # the days either side of it.
    for day in (21, 22, 23):
        Closure.objects.create(practice=clinician_a.practice, day=date(2026, 9, day))
    response = move(api_a, course["appointments"][1]["id"], "2026-09-15T10:00:00+02:00")
    assert response.status_code == 409
    assert response.json()["code"] == "reschedule_conflict"
    assert response.json()["conflicting"]["sequence"] == 3
    assert _starts(course["id"]) == before


def test_the_chosen_time_itself_must_be_free(api_a, course):
    before = _starts(course["id"])
    saturday = move(api_a, course["appointments"][1]["id"], "2026-09-19T10:00:00+02:00")
    assert saturday.status_code == 409 and saturday.json()["conflicting"]["sequence"] == 2
    assert _starts(course["id"]) == before


def test_a_stale_if_match_is_412_and_moves_nothing(api_a, course):
    url = f"/api/v1/appointments/{course['appointments'][1]['id']}/"
    etag = api_a.get(url)["ETag"]
    assert (
        move(
            api_a, course["appointments"][1]["id"], "2026-09-15T10:00:00+02:00", HTTP_IF_MATCH=etag
        ).status_code
        == 200
    )
    before = _starts(course["id"])
    stale = move(
        api_a, course["appointments"][1]["id"], "2026-09-17T10:00:00+02:00", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412 and _starts(course["id"]) == before


def test_cancel_frees_the_slot(api_a, clinician_a, course):
    first = course["appointments"][0]
    with time_machine.travel(NOW, tick=False):
        response = api_a.post(f"/api/v1/appointments/{first['id']}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    other = PatientFactory(practice=clinician_a.practice)
    with time_machine.travel(NOW, tick=False):
        booked = api_a.post(
            "/api/v1/appointments/",
            {
                "patient": str(other.pk),
                "clinician": str(clinician_a.pk),
                "kind": "consultation",
                "starts_at": first["starts_at"],
                "ends_at": first["ends_at"],
            },
            format="json",
        )
    assert booked.status_code == 201


def test_an_overlapping_appointment_is_a_409_with_the_conflicting_time(api_a, clinician_a, course):
    first = course["appointments"][0]
    other = PatientFactory(practice=clinician_a.practice)
    response = api_a.post(
        "/api/v1/appointments/",
        {
            "patient": str(other.pk),
            "clinician": str(clinician_a.pk),
            "kind": "consultation",
            "starts_at": first["starts_at"],
            "ends_at": (
                datetime.fromisoformat(first["starts_at"]) + timedelta(minutes=15)
            ).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 409
    assert (
        response.json()["conflicting"]["starts_at"]
        == datetime.fromisoformat(first["starts_at"]).astimezone(UTC).isoformat()
    )


def test_filters(api_a, clinician_a, course, ready_patient):
    base = "/api/v1/appointments/"
    assert len(api_a.get(f"{base}?patient={ready_patient.pk}").json()["results"]) == 8
    assert len(api_a.get(f"{base}?starts_before=2026-09-20T00:00:00Z").json()["results"]) == 2
    assert len(api_a.get(f"{base}?starts_after=2026-12-01T00:00:00Z").json()["results"]) == 2
    assert api_a.get(f"{base}?status=cancelled").json()["results"] == []
    assert api_a.get(f"{base}?status=nonsense").status_code == 400


def test_appointment_list_query_count_does_not_grow(api_a, course, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        assert api_a.get("/api/v1/appointments/").status_code == 200


@pytest.mark.parametrize(
    ("param", "value", "status"),
    [
        # Python takes offsets to 23:59, PostgreSQL only to 15:59: queried in UTC, it is fine.
        ("starts_before", "0728-01-06T07:20:17.401-21:52", 200),
        ("starts_after", "2026-11-25T10:00:00+23:59", 200),
        # Year 1 at +10:00 is in year 0 in UTC, which no calendar here holds.
        ("starts_after", "0001-01-01T00:00:00+10:00", 400),
    ],
)
def test_time_filters_take_any_offset_a_client_can_send(api_a, param, value, status):
    response = api_a.get("/api/v1/appointments/", {param: value})
    assert response.status_code == status, response.content
    if status == 400:
        assert param in response.json()


def test_a_single_booking_is_audited(api_a, clinician_a, ready_patient):
    """Issue 16.B.3: booking a consultation or a maintenance visit writes its audit entry,
    as every other change of the calendar does."""
    from mesoplan.models import AuditEntry

    with time_machine.travel(NOW, tick=False):
        response = api_a.post(
            "/api/v1/appointments/",
            {
                "patient": str(ready_patient.pk),
                "clinician": str(clinician_a.pk),
                "kind": "consultation",
                "starts_at": "2026-09-09T10:00:00+02:00",
                "ends_at": "2026-09-09T10:30:00+02:00",
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    entry = AuditEntry.objects.get(action="appointment.book")
    assert entry.object_id == response.json()["id"] and entry.patient_id == ready_patient.pk
    assert entry.summary.startswith("Consultation with ") and entry.summary.endswith(
        ", Wed 09 Sep 2026, 10:00"
    )
