"""Moves say what they do (issue 15, part 5): before a move is saved, its proposal names
every appointment that would change, where to, and why; the API's dry run writes
nothing; a confirmation whose proposal no longer holds is a 409 `proposal_changed`;
what is saved, said and audited is exactly what was shown."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from mesoplan.models import AuditEntry
from protocols.planner import local
from scheduling import booking
from scheduling.models import Appointment, Closure
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return local(day, time(hour, minute), BERLIN)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):  # Tue 1 Sep 2026
        yield


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    """Mon 7 Sep 10:00, weekly; session 2 on Mon 14 Sep."""
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201
    return response.json()


def other_patient_at(clinician, start: datetime, minutes: int = 45, kind: str = "consultation"):
    return booking.book_appointment(
        actor=clinician,
        patient=PatientFactory(practice=clinician.practice),
        clinician_id=clinician.pk,
        kind=kind,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
    )


def snapshot():
    """Every appointment as stored, and how many audit entries there are."""
    rows = Appointment.objects.order_by("id").values_list(
        "id", "starts_at", "ends_at", "updated_at"
    )
    return list(rows), AuditEntry.objects.count()


def patch(api, appointment_id, starts_at, query=""):
    return api.patch(
        f"/api/v1/appointments/{appointment_id}/{query}", {"starts_at": starts_at}, format="json"
    )


def dry_run(api, appointment_id, starts_at):
    return patch(api, appointment_id, starts_at, "?dry_run=true")


def by_sequence(response):
    return {change["sequence"]: change for change in response.json()["changes"]}


# --- The chosen time is the time, or a 409 naming it ----------------------------------


def test_a_busy_thursday_is_a_409_naming_the_asked_time_never_another(api_a, clinician_a, course):
    # Issue 15: asked for Thursday 14:00 (busy), the message said 14:00 and the row read
    # 14:45. Now the move is refused, in the dry run and for real, and the message names
    # the time asked for; no row reads anything else.
    thursday = date(2026, 9, 17)
    other_patient_at(clinician_a, at(thursday, 14))
    before = snapshot()
    second = course["appointments"][1]["id"]
    for response in (
        dry_run(api_a, second, "2026-09-17T14:00:00+02:00"),
        patch(api_a, second, "2026-09-17T14:00:00+02:00"),
    ):
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["code"] == "reschedule_conflict"
        assert body["conflicting"]["sequence"] == 2
        assert body["conflicting"]["starts_at"] == "2026-09-17T14:00:00+02:00"
        assert "busy at 17 Sep 2026, 14:00" in body["detail"] and "14:45" not in body["detail"]
    assert snapshot() == before


def test_the_browser_refuses_a_busy_thursday_before_proposing_anything(
    browser_a, clinician_a, course
):
    other_patient_at(clinician_a, at(date(2026, 9, 17), 14))
    second = Appointment.objects.get(course_id=course["id"], sequence=2)
    before = snapshot()
    response = browser_a.post(
        reverse("calendar:reschedule", args=[second.pk]), {"date": "17.09.2026", "time": "14:00"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not moved." in body and "busy at 17 Sep 2026, 14:00" in body
    assert "Confirm the move" not in body
    assert snapshot() == before


# --- The proposal: every change and why -----------------------------------------------


def test_later_sessions_moved_around_a_closure_and_a_saturday_say_why(api_a, clinician_a, course):
    # Session 2 to Wed 16 Sep 14:00: session 3 would be Wed 23 Sep (closed: Congress), so
    # it goes to Thursday; the later ones count from it as proposed, around a Sunday and
    # a Saturday.
    Closure.objects.create(practice=clinician_a.practice, day=date(2026, 9, 23), reason="Congress")
    response = dry_run(api_a, course["appointments"][1]["id"], "2026-09-16T14:00:00+02:00")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["proposal"]
    changes = by_sequence(response)
    assert list(changes) == [2, 3, 4, 5, 6, 7, 8]  # session 1 does not change: not listed
    assert changes[2]["reason"] == "chosen time"
    assert changes[2]["starts_at_before"] == "2026-09-14T10:00:00+02:00"
    assert (changes[2]["starts_at"], changes[2]["ends_at"]) == (
        "2026-09-16T14:00:00+02:00",
        "2026-09-16T14:45:00+02:00",
    )
    assert changes[3]["starts_at"] == "2026-09-24T14:00:00+02:00"  # the tie goes later
    assert changes[3]["reason"] == (
        "moved 1 day later: Wed 23 Sep is closed (Congress); "
        "7 days after session 2 would be Wed 23 Sep, 14:00"
    )
    assert changes[4]["starts_at"] == "2026-10-01T14:00:00+02:00"
    assert changes[4]["reason"] == "keeps the interval: 7 days after session 3"
    # Session 4 on Thu 1 Oct: one month later is Sunday 1 Nov.
    assert changes[5]["starts_at"] == "2026-11-02T14:00:00+01:00"
    assert changes[5]["reason"] == (
        "moved 1 day later: the practice is closed on Sundays; "
        "one month after session 4 would be Sun 01 Nov, 14:00"
    )
    assert changes[6]["reason"] == "monthly: one month after session 5 as booked"
    # Session 6 on Wed 2 Dec: one month later is Saturday 2 Jan.
    assert changes[7]["starts_at"] == "2027-01-01T14:00:00+01:00"
    assert changes[7]["reason"] == (
        "moved 1 day earlier: the practice is closed on Saturdays; "
        "one month after session 6 would be Sat 02 Jan, 14:00"
    )
    assert changes[8]["starts_at"] == "2027-02-01T14:00:00+01:00"
    assert changes[8]["reason"] == "monthly: one month after session 7 as booked"


@pytest.mark.parametrize(
    ("whose", "why"),
    [
        ("clinician", "the clinician is busy at 14:00"),
        ("patient", "the patient has another appointment at 14:00"),
    ],
)
def test_a_later_session_moved_off_a_busy_slot_names_who_is_busy(
    api_a, clinician_a, ready_patient, course, whose, why
):
    # Session 3 would be Wed 23 Sep 14:00, taken until 15:00 (the clinician sees another
    # patient, or the patient sees a colleague): it moves to the nearest free time, 13:15.
    start = at(date(2026, 9, 23), 14)
    if whose == "clinician":
        other_patient_at(clinician_a, start, minutes=60)
    else:
        colleague = ClinicianFactory(practice=clinician_a.practice, username="clin_a2")
        booking.book_appointment(
            actor=clinician_a,
            patient=ready_patient,
            clinician_id=colleague.pk,
            kind="consultation",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
    response = dry_run(api_a, course["appointments"][1]["id"], "2026-09-16T14:00:00+02:00")
    assert response.status_code == 200, response.content
    third = by_sequence(response)[3]
    assert third["starts_at"] == "2026-09-23T13:15:00+02:00"
    assert third["reason"] == (
        f"moved to 13:15: {why}; 7 days after session 2 would be Wed 23 Sep, 14:00"
    )


def test_the_dry_run_writes_nothing(api_a, course):
    before = snapshot()
    response = dry_run(api_a, course["appointments"][1]["id"], "2026-09-16T14:00:00+02:00")
    assert response.status_code == 200
    assert len(response.json()["changes"]) == 7
    assert snapshot() == before  # no row, no audit entry


def test_the_dry_run_answers_the_same_errors_as_the_move(api_a, course):
    second = course["appointments"][1]["id"]
    past = dry_run(api_a, second, "2026-08-01T10:00:00+02:00")
    assert past.status_code == 400 and "starts_at" in past.json()
    before_first = dry_run(api_a, second, "2026-09-06T10:00:00+02:00")
    assert before_first.status_code == 409 and before_first.json()["code"] == "out_of_order"
    nonsense = patch(api_a, second, "2026-09-16T14:00:00+02:00", "?dry_run=perhaps")
    assert nonsense.status_code == 400 and "dry_run" in nonsense.json()


# --- What is saved is what was shown --------------------------------------------------


def test_the_move_saves_exactly_the_dry_run_and_audits_every_actual_time(api_a, course):
    second = course["appointments"][1]["id"]
    shown = dry_run(api_a, second, "2026-09-16T14:00:00+02:00").json()
    response = patch(api_a, second, "2026-09-16T14:00:00+02:00", f"?proposal={shown['proposal']}")
    assert response.status_code == 200, response.content
    assert response.json()["starts_at"] == "2026-09-16T14:00:00+02:00"  # the appointment
    for change in shown["changes"]:
        row = Appointment.objects.get(pk=change["id"])
        assert row.starts_at == datetime.fromisoformat(change["starts_at"])
        assert row.ends_at == datetime.fromisoformat(change["ends_at"])
    entry = AuditEntry.objects.get(action="appointment.reschedule")
    assert entry.summary == "to Wed 16 Sep 2026, 14:00, and 6 later sessions"
    assert entry.details["requested_starts_at"] == "2026-09-16T14:00:00+02:00"
    moved = {m["sequence"]: m for m in entry.details["moved"]}
    assert list(moved) == [2, 3, 4, 5, 6, 7, 8]
    assert moved[8]["starts_at"] == "2027-01-29T14:00:00+01:00"  # the actual time, Friday
    assert moved[8]["starts_at_before"] == "2027-01-28T10:00:00+01:00"


def test_a_stale_proposal_is_a_409_proposal_changed_with_the_new_one(api_a, clinician_a, course):
    second = course["appointments"][1]["id"]
    shown = dry_run(api_a, second, "2026-09-16T14:00:00+02:00").json()
    # Meanwhile the practice closes on Wed 23 Sep, where session 3 was to go.
    Closure.objects.create(practice=clinician_a.practice, day=date(2026, 9, 23), reason="Congress")
    before = snapshot()
    response = patch(api_a, second, "2026-09-16T14:00:00+02:00", f"?proposal={shown['proposal']}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "proposal_changed" and "Nothing was moved" in body["detail"]
    assert body["proposal"] != shown["proposal"]
    third = next(c for c in body["changes"] if c["sequence"] == 3)
    assert third["starts_at"] == "2026-09-24T14:00:00+02:00" and "Congress" in third["reason"]
    assert snapshot() == before
    # The new proposal, confirmed, is saved.
    again = patch(api_a, second, "2026-09-16T14:00:00+02:00", f"?proposal={body['proposal']}")
    assert again.status_code == 200
    assert Appointment.objects.get(pk=third["id"]).starts_at == datetime.fromisoformat(
        third["starts_at"]
    )


def test_a_move_without_a_proposal_still_saves(api_a, course):
    # Clients written before the dry run keep working.
    response = patch(api_a, course["appointments"][1]["id"], "2026-09-16T14:00:00+02:00")
    assert response.status_code == 200


# --- Consultations and maintenance visits ---------------------------------------------


@pytest.mark.parametrize("kind", ["consultation", "maintenance"])
def test_a_consultation_or_maintenance_visit_moves_into_a_free_slot_not_a_busy_one(
    api_a, clinician_a, kind
):
    visit = other_patient_at(clinician_a, at(date(2026, 9, 8), 9), minutes=30, kind=kind)
    other_patient_at(clinician_a, at(date(2026, 9, 10), 11))  # Thursday 11:00-11:45
    busy = patch(api_a, visit.pk, "2026-09-10T11:30:00+02:00")
    assert busy.status_code == 409 and busy.json()["code"] == "reschedule_conflict"
    visit.refresh_from_db()
    assert visit.starts_at == at(date(2026, 9, 8), 9)
    shown = dry_run(api_a, visit.pk, "2026-09-10T12:00:00+02:00")
    assert shown.status_code == 200
    assert shown.json()["changes"] == [
        {
            "id": str(visit.pk),
            "sequence": None,
            "starts_at_before": "2026-09-08T09:00:00+02:00",
            "starts_at": "2026-09-10T12:00:00+02:00",
            "ends_at": "2026-09-10T12:30:00+02:00",  # its length kept
            "reason": "chosen time",
        }
    ]
    free = patch(api_a, visit.pk, "2026-09-10T12:00:00+02:00")
    assert free.status_code == 200
    visit.refresh_from_db()
    assert (visit.starts_at, visit.ends_at) == (
        at(date(2026, 9, 10), 12),
        at(date(2026, 9, 10), 12, 30),
    )


def test_a_consultation_moves_from_its_page_after_its_proposal(browser_a, clinician_a):
    visit = other_patient_at(clinician_a, at(date(2026, 9, 8), 9), minutes=30)
    url = reverse("calendar:reschedule", args=[visit.pk])
    proposed = browser_a.post(url, {"date": "10.09.2026", "time": "12:00"})
    assert proposed.status_code == 200
    body = proposed.content.decode()
    assert "Confirm the move" in body and "Consultation" in body
    token = proposed.context["proposal"].token
    busy = other_patient_at(clinician_a, at(date(2026, 9, 10), 12))  # taken meanwhile
    stale = browser_a.post(url, {"date": "10.09.2026", "time": "12:00", "proposal": token})
    assert stale.status_code == 409 and "Not moved." in stale.content.decode()
    Appointment.objects.filter(pk=busy.pk).update(status="cancelled")
    saved = browser_a.post(url, {"date": "10.09.2026", "time": "12:00", "proposal": token})
    assert saved.status_code == 302
    page = browser_a.get(saved["Location"]).content.decode()
    assert "The appointment moved to Thu 10 Sep 2026, 12:00." in page


# --- The browser: proposal, confirm, and what the message says ------------------------


def test_the_page_shows_the_proposal_and_saves_only_when_confirmed(browser_a, clinician_a, course):
    Closure.objects.create(practice=clinician_a.practice, day=date(2026, 9, 23), reason="Congress")
    second = Appointment.objects.get(course_id=course["id"], sequence=2)
    url = reverse("calendar:reschedule", args=[second.pk])
    before = snapshot()
    response = browser_a.post(url, {"date": "16.09.2026", "time": "14:00"})
    assert response.status_code == 200
    assert snapshot() == before
    body = response.content.decode()
    assert "<caption>What would move" in body and '<th scope="col">Why</th>' in body
    assert "Wed 16 Sep 2026, 14:00" in body and "6 later sessions move with it" in body
    assert body.count('<tr class="proposal--moved">') == 3  # sessions 3, 5 and 7
    assert "Wed 23 Sep is closed (Congress)" in body
    assert body.count('<th scope="row">') == 7  # session 1 does not change: not listed
    assert 'name="proposal" value="' in body and "Confirm the move" in body and ">Back</a>" in body

    token = response.context["proposal"].token
    saved = browser_a.post(url, {"date": "16.09.2026", "time": "14:00", "proposal": token})
    assert saved.status_code == 302
    page = browser_a.get(saved["Location"]).content.decode()
    assert "Session 2 moved to Wed 16 Sep 2026, 14:00. 6 later sessions moved with it." in page
    assert Appointment.objects.get(course_id=course["id"], sequence=3).starts_at == at(
        date(2026, 9, 24), 14
    )


def test_a_stale_confirmation_shows_the_new_proposal_and_saves_nothing(
    browser_a, clinician_a, course
):
    second = Appointment.objects.get(course_id=course["id"], sequence=2)
    url = reverse("calendar:reschedule", args=[second.pk])
    token = browser_a.post(url, {"date": "16.09.2026", "time": "14:00"}).context["proposal"].token
    Closure.objects.create(practice=clinician_a.practice, day=date(2026, 9, 23), reason="Congress")
    before = snapshot()
    response = browser_a.post(url, {"date": "16.09.2026", "time": "14:00", "proposal": token})
    assert response.status_code == 409
    body = response.content.decode()
    assert "the proposal below is new" in body and "Wed 23 Sep is closed (Congress)" in body
    assert response.context["proposal"].token != token
    assert snapshot() == before


def test_a_move_where_no_later_session_changes_says_so(browser_a, course):
    # Session 8 alone (the last one) to a free time an hour later.
    last = Appointment.objects.get(course_id=course["id"], sequence=8)
    url = reverse("calendar:reschedule", args=[last.pk])
    token = browser_a.post(url, {"date": "28.01.2027", "time": "11:00"}).context["proposal"].token
    saved = browser_a.post(url, {"date": "28.01.2027", "time": "11:00", "proposal": token})
    page = browser_a.get(saved["Location"]).content.decode()
    assert "Session 8 moved to Thu 28 Jan 2027, 11:00. No later session had to move." in page


# --- Another practice's appointment ---------------------------------------------------


def test_another_practices_appointment_is_not_found_and_nothing_changes(api_b, clinician_b, course):
    second = course["appointments"][1]["id"]
    before = snapshot()
    assert dry_run(api_b, second, "2026-09-16T14:00:00+02:00").status_code == 404
    assert patch(api_b, second, "2026-09-16T14:00:00+02:00", "?proposal=x").status_code == 404
    client = Client()
    client.force_login(clinician_b)
    url = reverse("calendar:reschedule", args=[second])
    assert client.post(url, {"date": "16.09.2026", "time": "14:00"}).status_code == 404
    assert (
        client.post(url, {"date": "16.09.2026", "time": "14:00", "proposal": "x"}).status_code
        == 404
    )
    assert snapshot() == before
