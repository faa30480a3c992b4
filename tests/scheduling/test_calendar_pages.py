"""The calendars (a clinician's week, the practice's day) and an appointment's page with
its move and cancel: what they show, the 409 that moves nothing, and a constant number of
queries however full the week."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mesoplan.models import AuditEntry
from protocols.planner import local
from scheduling import booking
from scheduling.models import Absence, Appointment, Closure, OpeningHours
from tests.factories import ClinicianFactory, ManagerFactory, PatientFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 9, 8, 6, 0, tzinfo=UTC)  # Tuesday 8 Sep 2026, 08:00 in Berlin
WEEK = "2026-W37"  # 7 to 13 Sep


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return local(date(2026, month, day), time(hour, minute), BERLIN)


@pytest.fixture
def course(clinician_a, ready_patient):
    return booking.book_course(
        actor=clinician_a,
        patient=ready_patient,
        protocol_code="mesolift",
        clinician_id=clinician_a.pk,
        start=at(9, 10),
        initial_interval_days=7,
        targets=["elastosis"],
    ).course


def consultations(clinician, count: int, first_day: int = 7) -> None:
    """`count` 15-minute consultations in the week, each for another patient."""
    slots = [
        at(day, hour, minute)
        for day in range(first_day, 12)
        for hour in range(8, 18)
        for minute in (0, 30)
    ]
    for start in slots[:count]:
        patient = PatientFactory(practice=clinician.practice)
        booking.book_appointment(
            actor=clinician,
            patient=patient,
            clinician_id=clinician.pk,
            kind="consultation",
            starts_at=start,
            ends_at=start + timedelta(minutes=15),
        )


def week_url(clinician=None, week=WEEK):
    query = f"?week={week}" + (f"&clinician={clinician.pk}" if clinician else "")
    return reverse("calendar:week") + query


def test_my_week_shows_my_appointments_with_the_course_progress(browser_a, course):
    response = browser_a.get(reverse("calendar:week") + "?date=09.09.2026")
    assert response.status_code == 200
    assert response.context["clinician"] == response.wsgi_request.user
    assert response.context["week"] == WEEK
    body = response.content.decode()
    assert "Clara Engel" in body
    assert '<span class="appt__what">Course 1/8</span>' in body
    assert "Scheduled, </span>0 of 8 done" in body  # the status in words, not colour only
    assert "appt--course appt--scheduled at-9 span-3" in body  # 10:00-10:45 on an 08:00 grid
    wednesday = next(c for c in response.context["columns"] if c.day == date(2026, 9, 9))
    assert [p.item.appointment.sequence for p in wednesday.items] == [1]


def test_the_week_marks_today_shades_closures_and_leaves_out_closed_weekends(
    browser_a, practice_a, clinician_a
):
    Closure.objects.create(practice=practice_a, day=date(2026, 9, 10), reason="Team day")
    Absence.objects.create(
        clinician=clinician_a, starts_on=date(2026, 9, 11), ends_on=date(2026, 9, 11)
    )
    response = browser_a.get(reverse("calendar:week"))
    columns = {c.day: c for c in response.context["columns"]}
    assert list(columns) == [date(2026, 9, 7) + timedelta(days=n) for n in range(5)]
    assert columns[date(2026, 9, 8)].is_today and not columns[date(2026, 9, 7)].is_today
    assert columns[date(2026, 9, 10)].closed == "Closed: Team day"
    assert columns[date(2026, 9, 11)].closed == "Absent"
    assert response.context["now_row"] == 1  # 08:00, the grid's first row
    body = response.content.decode()
    assert "cal__col--today" in body and ">Today<" in body
    assert "Not shown: Saturday, Sunday" in body


def test_split_opening_hours_shade_the_lunch_break(browser_a, practice_a):
    for weekday in range(5):
        OpeningHours.objects.create(
            practice=practice_a, weekday=weekday, opens=time(8), closes=time(12)
        )
        OpeningHours.objects.create(
            practice=practice_a, weekday=weekday, opens=time(14), closes=time(19)
        )
    response = browser_a.get(week_url())
    window = response.context["window"]
    assert (window.first, window.last) == (8 * 60, 19 * 60)
    assert response.context["columns"][0].open_blocks == [(1, 16), (25, 20)]


def test_a_colleagues_week_and_navigation(browser_a, practice_a, clinician_b):
    colleague = ClinicianFactory(practice=practice_a, first_name="Omar", last_name="Aziz")
    response = browser_a.get(week_url(colleague))
    assert response.context["clinician"] == colleague
    assert (response.context["previous"], response.context["next"]) == ("2026-W36", "2026-W38")
    body = response.content.decode()
    assert f"clinician={colleague.pk}&amp;week=2026-W38" in body
    assert browser_a.get(week_url(clinician_b)).status_code == 404  # another practice's
    assert browser_a.get(reverse("calendar:week") + "?clinician=junk").status_code == 404


def test_a_manager_sees_the_first_clinicians_week(client, manager_a, clinician_a):
    client.force_login(manager_a)
    response = client.get(reverse("calendar:week"))
    assert response.status_code == 200 and response.context["clinician"] == clinician_a
    assert reverse("calendar:settings") in response.content.decode()


@pytest.mark.parametrize("query", ["?week=2026-W60", "?week=soon", "?date=13/45/2026"])
def test_an_unreadable_week_or_date_says_so_and_shows_this_week(browser_a, query):
    response = browser_a.get(reverse("calendar:week") + query)
    assert response.status_code == 400
    assert response.context["week"] == "2026-W37"
    assert "error-summary" in response.content.decode()


def test_the_day_view_has_a_column_per_clinician(browser_a, practice_a, clinician_a, course):
    colleague = ClinicianFactory(practice=practice_a, first_name="Omar", last_name="Aziz")
    Absence.objects.create(
        clinician=colleague, starts_on=date(2026, 9, 9), ends_on=date(2026, 9, 9), reason="Leave"
    )
    response = browser_a.get(reverse("calendar:day") + "?date=2026-09-09")
    assert response.status_code == 200
    columns = {c.key: c for c in response.context["columns"]}
    assert set(columns) == {clinician_a, colleague}
    assert len(columns[clinician_a].items) == 1 and columns[colleague].closed == "Absent: Leave"
    body = response.content.decode()
    assert "Wed 09 Sep 2026" in body and "Clara Engel" in body


def test_the_day_view_says_when_the_practice_is_closed(browser_a, practice_a, clinician_a):
    Closure.objects.create(practice=practice_a, day=date(2026, 12, 24), reason="Christmas Eve")
    response = browser_a.get(reverse("calendar:day") + "?date=24.12.2026")
    assert response.context["practice_closed"] == "Closed: Christmas Eve"
    assert "The practice does not treat on this day." in response.content.decode()


def test_only_the_patients_name_and_the_course_progress_are_shown(browser_a, ready_patient, course):
    ready_patient.email = "clara@example.org"
    ready_patient.phone = "+49 30 5550199"
    ready_patient.save()
    for url in (week_url(), reverse("calendar:day") + "?date=2026-09-09"):
        body = browser_a.get(url).content.decode()
        assert "Clara Engel" in body
        assert "clara@example.org" not in body and "5550199" not in body
        assert str(ready_patient.date_of_birth.year) not in body


@pytest.mark.parametrize("count", [2, 40])
def test_the_week_runs_a_constant_number_of_queries(
    browser_a, clinician_a, count, django_assert_max_num_queries
):
    consultations(clinician_a, count)
    with django_assert_max_num_queries(13):
        response = browser_a.get(week_url())
    assert sum(len(c.items) for c in response.context["columns"]) == count


@pytest.mark.parametrize("count", [2, 40])
def test_the_day_runs_a_constant_number_of_queries(
    browser_a, clinician_a, practice_a, ready_patient, count, django_assert_max_num_queries
):
    colleague = ClinicianFactory(practice=practice_a)
    consultations(clinician_a, count, first_day=9)
    booking.book_course(
        actor=clinician_a,
        patient=ready_patient,
        protocol_code="mesolift",
        clinician_id=colleague.pk,
        start=at(9, 10),
        initial_interval_days=7,
    )
    with django_assert_max_num_queries(14):
        response = browser_a.get(reverse("calendar:day") + "?date=2026-09-09")
    assert sum(len(c.items) for c in response.context["columns"]) == min(count, 20) + 1


def test_the_appointment_page_offers_move_and_cancel(browser_a, course):
    appointment = course.appointments.get(sequence=2)
    response = browser_a.get(reverse("calendar:appointment", args=[appointment.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Course session 2 of 8" in body and "Clara Engel" in body
    assert 'value="16.09.2026"' in body  # the date in the practice's format
    assert '<option value="10:00" selected>' in body
    assert "Cancel this appointment" in body


def test_moving_session_two_moves_three_to_eight_with_it(browser_a, course):
    second = course.appointments.get(sequence=2)
    before = dict(course.appointments.values_list("sequence", "starts_at"))
    url = reverse("calendar:reschedule", args=[second.pk])
    proposed = browser_a.post(url, {"date": "17.09.2026", "time": "11:00"})
    assert proposed.status_code == 200  # first the proposal: nothing moved yet
    assert dict(course.appointments.values_list("sequence", "starts_at")) == before
    token = proposed.context["proposal"].token
    response = browser_a.post(url, {"date": "17.09.2026", "time": "11:00", "proposal": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:detail", args=[course.pk])
    after = dict(course.appointments.values_list("sequence", "starts_at"))
    assert after[1] == before[1]
    assert after[2] == at(17, 11)
    assert after[3] == at(24, 11)  # a week later, at the new time
    assert all(after[n] != before[n] for n in range(2, 9))
    page = browser_a.get(response["Location"]).content.decode()
    assert "Session 2 moved to Thu 17 Sep 2026, 11:00. 6 later sessions moved with it." in page
    assert AuditEntry.objects.filter(action="appointment.reschedule").count() == 1


def test_a_move_the_course_cannot_follow_is_a_409_that_moves_nothing(
    browser_a, clinician_a, practice_a, course
):
    # Session 3 would land on 24 Sep; the practice closes 23-25 Sep: no slot within a day.
    for day in (23, 24, 25):
        Closure.objects.create(practice=practice_a, day=date(2026, 9, day), reason="Congress")
    second = course.appointments.get(sequence=2)
    before = list(course.appointments.order_by("sequence").values_list("starts_at", flat=True))
    response = browser_a.post(
        reverse("calendar:reschedule", args=[second.pk]), {"date": "17.09.2026", "time": "10:00"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not moved." in body and "Session 3 cannot be placed" in body
    after = list(course.appointments.order_by("sequence").values_list("starts_at", flat=True))
    assert after == before


def test_an_unreadable_new_date_is_a_form_error(browser_a, course):
    second = course.appointments.get(sequence=2)
    response = browser_a.post(
        reverse("calendar:reschedule", args=[second.pk]), {"date": "17/09/2026", "time": "10:00"}
    )
    assert response.status_code == 400
    assert "Enter the date as DD.MM.YYYY" in response.content.decode()


def test_cancel_asks_first_then_frees_the_slot(browser_a, course):
    third = course.appointments.get(sequence=3)
    url = reverse("calendar:cancel", args=[third.pk])
    response = browser_a.get(url)
    assert response.status_code == 200 and "Cancel this appointment?" in response.content.decode()
    assert Appointment.objects.get(pk=third.pk).status == "scheduled"
    refused = browser_a.post(url)
    assert refused.status_code == 400 and "Choose why the appointment is cancelled." in (
        refused.content.decode()
    )
    assert Appointment.objects.get(pk=third.pk).status == "scheduled"
    response = browser_a.post(url, {"reason": "patient_unwell"})
    assert response.status_code == 302
    cancelled = Appointment.objects.get(pk=third.pk)
    assert (cancelled.status, cancelled.cancellation_reason) == ("cancelled", "patient_unwell")
    page = browser_a.get(response["Location"]).content.decode()
    assert "The slot is free." in page and "Not yet booked" in page
    week = browser_a.get(week_url(week="2026-W39")).content.decode()  # 21 to 27 Sep
    assert "Cancelled this week" in week


def test_a_completed_appointment_cannot_be_moved_from_its_page(browser_a, course):
    first = course.appointments.get(sequence=1)
    Appointment.objects.filter(pk=first.pk).update(status="completed")
    body = browser_a.get(reverse("calendar:appointment", args=[first.pk])).content.decode()
    assert "cannot be moved or cancelled" in body and "✓ Completed" in body
    response = browser_a.post(
        reverse("calendar:reschedule", args=[first.pk]), {"date": "17.09.2026", "time": "10:00"}
    )
    assert response.status_code == 409


def test_the_calendar_is_for_practice_staff(client, network_admin, practice_a):
    client.force_login(network_admin)
    assert client.get(reverse("calendar:week")).status_code == 403
    assert client.get(reverse("calendar:day")).status_code == 403
    manager = ManagerFactory(practice=practice_a)
    client.force_login(manager)
    assert client.get(reverse("calendar:day")).status_code == 200


def test_the_main_menu_has_the_calendar_for_practice_staff(browser_a):
    body = browser_a.get(reverse("calendar:week")).content.decode()
    assert f'<a href="{reverse("calendar:week")}" aria-current="page">Calendar</a>' in body
