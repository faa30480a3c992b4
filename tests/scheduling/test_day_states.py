"""The day's states (issue 16 A.3): check-in, no-show, a consultation done, their undo,
and why a cancellation happened; in the browser, the API, the grid and the database."""

from contextlib import nullcontext
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import AuditEntry
from protocols.planner import local
from scheduling import booking, day_actions, rescheduling
from scheduling.attendance import DayAction, Visit, allowed, refusal
from scheduling.models import Appointment
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
START = local(date(2026, 9, 9), time(10), BERLIN)  # Wednesday 9 Sep 2026, 10:00 Berlin


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START - timedelta(days=2), tick=False) as traveller:
        yield traveller


@pytest.fixture
def at(clock, client, clinician_a):
    """Moves the clock to `moment` and signs the clinician in anew (the session would
    otherwise have idled out)."""

    def move(moment: datetime):
        clock.move_to(moment)
        client.force_login(clinician_a)
        return nullcontext()

    return move


@pytest.fixture
def course(clinician_a, ready_patient):
    return booking.book_course(
        actor=clinician_a,
        patient=ready_patient,
        protocol_code="mesolift",
        clinician_id=clinician_a.pk,
        start=START,
        initial_interval_days=7,
        targets=["elastosis"],
    ).course


@pytest.fixture
def consultation(clinician_a):
    return booking.book_appointment(
        actor=clinician_a,
        patient=PatientFactory(practice=clinician_a.practice),
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=START + timedelta(days=1),
        ends_at=START + timedelta(days=1, minutes=30),
    )


def first(course) -> Appointment:
    return course.appointments.get(sequence=1)


# --- The rules ------------------------------------------------------------------------


def visit(**changes) -> Visit:
    return Visit(
        **{"kind": "course", "status": "scheduled", "starts_at": START, "arrived": False} | changes
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (START - timedelta(hours=9, minutes=59), [DayAction.CHECK_IN]),  # 00:01 the same day
        (START, [DayAction.CHECK_IN, DayAction.NO_SHOW]),
        (START + timedelta(hours=13, minutes=59), [DayAction.CHECK_IN, DayAction.NO_SHOW]),
        (START + timedelta(hours=14), [DayAction.NO_SHOW]),  # the next day, Berlin
        (START - timedelta(hours=10, minutes=1), []),  # 23:59 the day before
    ],
)
def test_check_in_is_for_the_day_and_no_show_once_it_began(moment, expected):
    assert allowed(visit(), moment, BERLIN) == expected


def test_an_arrived_patient_can_be_undone_but_not_a_no_show():
    arrived = visit(arrived=True)
    assert allowed(arrived, START, BERLIN) == [DayAction.UNDO_CHECK_IN]
    assert "undo the check-in first" in refusal(DayAction.NO_SHOW, arrived, START, BERLIN)
    assert allowed(visit(status="no_show"), START, BERLIN) == [DayAction.UNDO_NO_SHOW]
    held = visit(status="no_show", later_session_recorded=True)
    assert allowed(held, START, BERLIN) == []
    assert "later session" in refusal(DayAction.UNDO_NO_SHOW, held, START, BERLIN)


def test_only_a_consultation_is_marked_done_by_hand():
    assert DayAction.DONE in allowed(visit(kind="consultation"), START, BERLIN)
    assert DayAction.DONE not in allowed(visit(kind="consultation"), START - timedelta(1), BERLIN)
    for kind in ("course", "maintenance"):
        assert "recording it" in refusal(DayAction.DONE, visit(kind=kind), START, BERLIN)
    for status in ("completed", "cancelled"):
        assert allowed(visit(status=status), START, BERLIN) == []


# --- The services ---------------------------------------------------------------------


def test_check_in_sets_arrival_and_keeps_the_status(clinician_a, course, at):
    with at(START - timedelta(minutes=5)):
        done = day_actions.perform(
            actor=clinician_a, appointment=first(course), action=DayAction.CHECK_IN
        )
    saved = Appointment.objects.get(pk=done.pk)
    assert saved.status == "scheduled"
    assert saved.arrived_at == START - timedelta(minutes=5)
    entry = AuditEntry.objects.get(action="appointment.check_in")
    assert entry.object_id == str(saved.pk) and entry.patient_id == saved.patient_id
    with at(START), pytest.raises(Conflict, match="already checked in"):
        day_actions.perform(actor=clinician_a, appointment=saved, action=DayAction.CHECK_IN)


def test_a_no_show_settles_the_session_and_undo_is_refused_after_a_later_one(
    clinician_a, course, at
):
    with at(START + timedelta(minutes=20)):
        day_actions.perform(actor=clinician_a, appointment=first(course), action=DayAction.NO_SHOW)
    assert first(course).status == "no_show"
    Appointment.objects.filter(course=course, sequence=2).update(status="completed")
    with at(START + timedelta(days=8)), pytest.raises(Conflict, match="later session"):
        day_actions.perform(
            actor=clinician_a, appointment=first(course), action=DayAction.UNDO_NO_SHOW
        )
    Appointment.objects.filter(course=course, sequence=2).update(status="scheduled")
    with at(START + timedelta(days=8)):
        day_actions.perform(
            actor=clinician_a, appointment=first(course), action=DayAction.UNDO_NO_SHOW
        )
    assert first(course).status == "scheduled"
    assert AuditEntry.objects.filter(action="appointment.undo_no_show").count() == 1


def test_the_database_refuses_an_arrival_on_a_cancelled_appointment(course):
    appointment = first(course)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=appointment.pk).update(status="cancelled", arrived_at=START)
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.filter(pk=appointment.pk).update(cancellation_reason="other")


def test_cancelling_keeps_why_and_other_needs_a_note(clinician_a, course, at):
    appointment = first(course)
    with at(START - timedelta(days=1)):
        for note in ("", "\u200b", " \u2060 "):  # nothing, or nothing visible
            with pytest.raises(InvalidInput, match="Say why"):
                rescheduling.cancel(
                    actor=clinician_a, appointment=appointment, reason="other", note=note
                )
        assert first(course).status == "scheduled"
        rescheduling.cancel(
            actor=clinician_a, appointment=appointment, reason="other", note="  Moved away "
        )
    saved = first(course)
    assert (saved.cancellation_reason, saved.cancellation_note) == ("other", "Moved away")
    assert AuditEntry.objects.get(action="appointment.cancel").summary == "Other reason: Moved away"


# --- The browser and the API -----------------------------------------------------------


def test_the_appointment_page_offers_what_the_day_allows_and_comes_back(browser_a, course, at):
    appointment = first(course)
    page = reverse("calendar:appointment", args=[appointment.pk])
    with at(START - timedelta(days=1)):
        assert "Check in" not in browser_a.get(page).content.decode()
    with at(START - timedelta(minutes=10)):
        body = browser_a.get(page).content.decode()
        assert "Check in" in body and "Mark as no-show" not in body
        url = reverse("calendar:day-action", args=[appointment.pk, "check_in"])
        response = browser_a.post(url, {"next": reverse("calendar:day") + "?date=2026-09-09"})
        assert response.status_code == 302 and response["Location"].endswith("?date=2026-09-09")
        body = browser_a.get(response["Location"]).content.decode()
        assert "Clara Engel checked in at 09:50." in body and "Arrived 09:50" in body
        assert "appt--arrived" in body
        body = browser_a.get(page).content.decode()
        assert "Undo check-in" in body and "Arrived 09:50" in body


def test_a_day_action_never_goes_back_to_another_site(browser_a, course, at):
    appointment = first(course)
    url = reverse("calendar:day-action", args=[appointment.pk, "check_in"])
    with at(START):
        response = browser_a.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == reverse("calendar:appointment", args=[appointment.pk])
    assert (
        browser_a.post(reverse("calendar:day-action", args=[appointment.pk, "x"])).status_code
        == 404
    )


def test_a_refused_day_action_says_why_and_changes_nothing(browser_a, course, at):
    appointment = first(course)
    url = reverse("calendar:day-action", args=[appointment.pk, "no_show"])
    with at(START - timedelta(hours=1)):
        response = browser_a.post(url, follow=True)
    assert "once the appointment has begun (10:00)" in response.content.decode()
    assert first(course).status == "scheduled"


def test_api_day_actions_and_cancel_with_a_reason(api_a, consultation, at):
    base = f"/api/v1/appointments/{consultation.pk}"
    with at(consultation.starts_at - timedelta(minutes=3)):
        body = api_a.post(f"{base}/check-in/").json()
        arrived = datetime.fromisoformat(body["arrived_at"])
        assert arrived == consultation.starts_at - timedelta(minutes=3)
        assert body["status"] == "scheduled"
        early = api_a.post(f"{base}/done/")
        assert early.status_code == 409 and early.json()["code"] == "not_now"
    with at(consultation.starts_at + timedelta(minutes=20)):
        assert api_a.post(f"{base}/done/").json()["status"] == "completed"
        refused = api_a.post(f"{base}/cancel/", {"reason": "patient_unwell"}, format="json")
        assert refused.status_code == 409


def test_api_cancel_validates_the_reason(api_a, consultation, at):
    base = f"/api/v1/appointments/{consultation.pk}"
    with at(consultation.starts_at - timedelta(days=1)):
        bad = api_a.post(f"{base}/cancel/", {"reason": "bored"}, format="json")
        assert bad.status_code == 400 and "reason" in bad.json()
        other = api_a.post(f"{base}/cancel/", {"reason": "other"}, format="json")
        assert other.status_code == 400 and "note" in other.json()
        assert Appointment.objects.get(pk=consultation.pk).status == "scheduled"
        body = api_a.post(f"{base}/cancel/").json()  # no body: as clients always did
    assert (body["status"], body["cancellation_reason"]) == ("cancelled", "")


def test_the_written_back_representation_still_moves(api_a, consultation, at):
    base = f"/api/v1/appointments/{consultation.pk}/"
    with at(consultation.starts_at - timedelta(days=1)):
        read = api_a.get(base).json()
        moved = read | {"starts_at": "2026-09-10T12:00:00Z", "ends_at": "2026-09-10T12:30:00Z"}
        assert api_a.put(base, moved, format="json").status_code == 200
        changed = moved | {"arrived_at": "2026-09-10T12:00:00Z"}
        response = api_a.put(base, changed, format="json")
    assert response.status_code == 400 and "arrived_at" in response.json()
    assert Appointment.objects.get(pk=consultation.pk).starts_at == datetime(
        2026, 9, 10, 12, tzinfo=UTC
    )


def test_an_arrival_holds_for_its_day_only(clinician_a, consultation, at):
    at(consultation.starts_at - timedelta(minutes=5))
    day_actions.perform(actor=clinician_a, appointment=consultation, action=DayAction.CHECK_IN)
    later_that_day = consultation.starts_at + timedelta(hours=1)
    rescheduling.reschedule(actor=clinician_a, appointment=consultation, starts_at=later_that_day)
    assert Appointment.objects.get(pk=consultation.pk).arrived_at is not None
    rescheduling.reschedule(
        actor=clinician_a,
        appointment=consultation,
        starts_at=consultation.starts_at + timedelta(days=1),
    )
    assert Appointment.objects.get(pk=consultation.pk).arrived_at is None


def test_a_cancel_note_at_its_extremes(browser_a, course, at):
    at(START - timedelta(days=1))
    url = reverse("calendar:cancel", args=[first(course).pk])
    too_long = browser_a.post(url, {"reason": "other", "note": "x" * 201})
    assert too_long.status_code == 400 and first(course).status == "scheduled"
    invisible = browser_a.post(url, {"reason": "other", "note": "\u200b\u2060\ufeff"})
    assert invisible.status_code == 400 and "Say why" in invisible.content.decode()
    kept = browser_a.post(url, {"reason": "other", "note": "Moved\r\naway"})
    assert kept.status_code == 302
    assert first(course).cancellation_note == "Moved\r\naway"
