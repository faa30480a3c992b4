"""The calendar in real Chromium: a clinician books a course from a screening result
(sees the proposed dates, confirms), finds it in the week view, moves session 2 (sees
what would move and why, confirms) and sees sessions 3 to 8 follow; a practice manager adds opening hours and a closure. Screenshots
at desktop and tablet width go to tests/artifacts/; axe looks at every page."""

import re
from datetime import date, time, timedelta

import pytest
from playwright.sync_api import expect

from mesoplan.clock import practice_today
from patients import services
from protocols.planner import local
from scheduling import booking
from scheduling.models import Appointment, Course
from tests.factories import CONSENT, PASSWORD, ClinicianFactory, PatientFactory
from tests.journeys.conftest import settle_and_check, sign_in, visit
from tests.journeys.test_staff import shoot_both

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def next_monday(practice) -> date:
    today = practice_today(practice)
    return today + timedelta(days=7 - today.weekday())


def dotted(day: date) -> str:
    return f"{day:%d.%m.%Y}"


@pytest.fixture
def week_with_appointments(clinician_a, practice_a):
    """Other appointments in the week of the course, so the grid looks as it will."""
    monday = next_monday(practice_a)
    colleague = ClinicianFactory(practice=practice_a, first_name="Omar", last_name="Aziz")
    zone = practice_a.zone
    rows = [
        (clinician_a, 0, time(8, 30), 30, "consultation", "Ida", "Roth"),
        (clinician_a, 1, time(9), 45, "maintenance", "Greta", "Lorenz"),
        (clinician_a, 1, time(14), 30, "consultation", "Emil", "Brandt"),
        (clinician_a, 2, time(11), 45, "maintenance", "Paula", "Keller"),
        (clinician_a, 3, time(16), 30, "consultation", "Jonas", "Weber"),
        (colleague, 0, time(9), 45, "maintenance", "Lea", "Hartmann"),
        (colleague, 0, time(12), 30, "consultation", "Tom", "Fischer"),
    ]
    made = []
    for clinician, offset, at, minutes, kind, first, last in rows:
        patient = PatientFactory(practice=practice_a, first_name=first, last_name=last)
        start = local(monday + timedelta(days=offset), at, zone)
        made.append(
            booking.book_appointment(
                actor=clinician,
                patient=patient,
                clinician_id=clinician.pk,
                kind=kind,
                starts_at=start,
                ends_at=start + timedelta(minutes=minutes),
            )
        )
    Appointment.objects.filter(pk=made[1].pk).update(status="no_show")
    today = practice_today(practice_a)
    for at, kind, status, first, last in [
        (time(9), "consultation", "completed", "Mia", "Schulz"),
        (time(15), "maintenance", "scheduled", "Ben", "Wolf"),
    ]:
        patient = PatientFactory(practice=practice_a, first_name=first, last_name=last)
        start = local(today, at, zone)
        Appointment.objects.create(  # today, whatever day the test runs (weekends too)
            practice=practice_a,
            patient=patient,
            clinician=clinician_a,
            kind=kind,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            status=status,
        )
    return monday


def test_clinician_books_a_course_sees_it_in_the_week_and_moves_session_two(
    page, clinician_a, practice_a, week_with_appointments
):
    monday = week_with_appointments
    patient = PatientFactory(practice=practice_a, first_name="Clara", last_name="Engel")
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", **CONSENT
    )
    sign_in(page, "clin_a", PASSWORD)
    visit(page, f"/patients/{patient.pk}/screenings/{screening.pk}/")
    page.get_by_role("link", name="Book a course").click()
    page.get_by_role("heading", name="Clara Engel").wait_for()
    settle_and_check(page)

    start = page.get_by_label("First session on")
    assert start.get_attribute("placeholder") == "DD.MM.YYYY"
    start.fill(dotted(monday))
    page.get_by_label("Time").select_option("10:00")
    page.get_by_label("Weekly (every 7 days)").check()
    page.get_by_label("Elastosis (sun or sunbed damage)").check()
    page.get_by_label("Enlarged pores").check()
    page.get_by_role("button", name="Propose the dates").click()
    proposal = page.locator("#proposal")
    proposal.get_by_role("table").wait_for()
    settle_and_check(page)
    rows = proposal.locator("tbody tr")
    expect(rows).to_have_count(8)
    assert f"{monday:%a %d %b %Y}" in rows.nth(0).inner_text()
    assert not Course.objects.exists()  # nothing booked before confirming
    shoot_both(page, "calendar-booking-preview")

    page.get_by_role("button", name="Book these 8 sessions").click()
    page.get_by_text("Course booked: 8 sessions").wait_for()
    settle_and_check(page)
    course = Course.objects.get()
    assert "0 of 8" in page.locator(".course-progress").inner_text()
    expect(page.locator(".course-sessions tbody tr")).to_have_count(8)
    shoot_both(page, "calendar-course-page")

    page.get_by_role("link", name="Open in the calendar").click()
    page.get_by_role("heading", name="Lena").first.wait_for()
    settle_and_check(page)
    first_session = page.get_by_role("link", name="Clara Engel")
    expect(first_session).to_have_count(1)
    assert "Course 1/8" in first_session.inner_text()
    shoot_both(page, "calendar-week")

    page.get_by_role("link", name="Next week").click()
    page.wait_for_load_state("load")
    settle_and_check(page)
    page.get_by_role("link", name="Clara Engel").click()
    page.get_by_role("heading", name="Clara Engel").wait_for()
    settle_and_check(page)
    new_day = monday + timedelta(days=8)  # session 2 from Monday to Tuesday
    page.get_by_label("New date").fill(dotted(new_day))
    page.get_by_label("New time").select_option("11:00")
    shoot_both(page, "calendar-appointment")
    page.get_by_role("button", name="Propose the move").click()
    page.get_by_role("button", name="Confirm the move").wait_for()
    settle_and_check(page)
    page.get_by_role("button", name="Confirm the move").click()
    page.get_by_text("6 later sessions moved with it").wait_for()
    settle_and_check(page)

    starts = {
        a.sequence: a.starts_at.astimezone(practice_a.zone) for a in course.appointments.all()
    }
    assert starts[1].date() == monday
    assert (starts[2].date(), starts[2].time()) == (new_day, time(11))
    assert (starts[3].date(), starts[3].time()) == (new_day + timedelta(days=7), time(11))
    table = page.locator(".course-sessions").inner_text()
    assert f"{starts[3]:%a %d %b %Y}" in table and "11:00" in table

    visit(page, f"/calendar/day/?date={monday:%Y-%m-%d}")
    page.get_by_role("heading", name="Omar Aziz").wait_for()
    assert "Lea Hartmann" in page.locator(".cal").inner_text()
    shoot_both(page, "calendar-day")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.locator(".cal__col--today").wait_for()  # this week, today marked
    settle_and_check(page)
    assert "✓ Mia Schulz" in page.locator(".cal__col--today").inner_text()
    shoot_both(page, "calendar-week-today")


def test_a_move_shows_what_would_change_and_why_then_saves_exactly_that(
    page, clinician_a, practice_a
):
    from scheduling.models import Closure

    patient = PatientFactory(practice=practice_a, first_name="Clara", last_name="Engel")
    services.create_screening(actor=clinician_a, patient=patient, indication="skin", **CONSENT)
    monday = next_monday(practice_a)
    course = booking.book_course(
        actor=clinician_a,
        patient=patient,
        protocol_code="mesolift",
        clinician_id=clinician_a.pk,
        start=local(monday, time(10), practice_a.zone),
        initial_interval_days=7,
        targets=["elastosis"],
    ).course
    # Session 2 to Wednesday of week 2: session 3 would follow a week later, a day the
    # practice is closed, so it moves a day, and the page says so.
    new_day = monday + timedelta(days=9)
    Closure.objects.create(practice=practice_a, day=new_day + timedelta(days=7), reason="Training")
    before = list(course.appointments.order_by("sequence").values_list("starts_at", flat=True))
    second = course.appointments.get(sequence=2)
    sign_in(page, "clin_a", PASSWORD)
    visit(page, f"/calendar/appointments/{second.pk}/")
    page.get_by_label("New date").fill(dotted(new_day))
    page.get_by_label("New time").select_option("14:00")
    page.get_by_role("button", name="Propose the move").click()
    table = page.get_by_role("table", name=re.compile("What would move"))
    table.wait_for()
    settle_and_check(page)
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(7)  # sessions 2 to 8; session 1 stays
    assert "chosen time" in rows.nth(0).inner_text().lower()
    off = table.locator("tr.proposal--moved")
    assert "is closed (Training)" in off.first.inner_text()
    after = list(course.appointments.order_by("sequence").values_list("starts_at", flat=True))
    assert after == before  # nothing saved before confirming
    shoot_both(page, "calendar-move-proposal")

    shown = [
        cell.inner_text() for cell in table.locator("tbody tr td:nth-child(3)").all()
    ]  # the "To" column
    page.get_by_role("button", name="Confirm the move").click()
    page.get_by_text("Session 2 moved to").wait_for()
    settle_and_check(page)
    flash = page.get_by_text("Session 2 moved to").inner_text()
    assert f"{new_day:%a %d %b %Y}, 14:00" in flash and "6 later sessions moved with it" in flash
    saved = {a.sequence: a.starts_at.astimezone(practice_a.zone) for a in course.appointments.all()}
    assert [f"{saved[n]:%a %d %b %Y, %H:%M}" for n in range(2, 9)] == [
        text.split("\u2013")[0].strip() for text in shown
    ]
    shoot_both(page, "calendar-move-saved")


def test_manager_adds_opening_hours_and_a_closure(page, manager_a, clinician_a, practice_a):
    monday = next_monday(practice_a)
    sign_in(page, "mgr_a", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    page.wait_for_load_state("load")
    settle_and_check(page)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("heading", name="Calendar settings").wait_for()
    settle_and_check(page)

    split = "08:00-12:00, 14:00-19:00"
    for weekday in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(weekday).fill(split)
    page.get_by_label("Saturday").fill("09:00-12:00")
    page.get_by_role("button", name="Save opening hours").click()
    page.get_by_text("Opening hours saved.").wait_for()
    settle_and_check(page)
    assert page.get_by_label("Monday").input_value() == split

    page.get_by_label(re.compile("^From")).fill(dotted(monday + timedelta(days=2)))
    page.get_by_label("To", exact=True).fill(dotted(monday + timedelta(days=3)))
    page.get_by_label("Reason", exact=True).fill("Training days")
    page.get_by_role("button", name="Add closure").click()
    page.get_by_text("Closure saved (2 new days).").wait_for()
    settle_and_check(page)
    assert "Training days" in page.locator(".closures").inner_text()
    shoot_both(page, "calendar-settings")

    page.get_by_role("link", name="Hours and absences of Lena").click()
    page.get_by_role("heading", name="Working hours").wait_for()
    settle_and_check(page)
    assert page.get_by_label("Monday").get_attribute("placeholder") == "opening hours"
    page.get_by_label("Monday").fill("08:00-12:00")  # mornings only on Mondays
    for weekday in ("Tuesday", "Wednesday", "Thursday", "Friday"):
        page.get_by_label(weekday).fill(split)
    page.get_by_role("button", name="Save working hours").click()
    page.get_by_text("Working hours of").wait_for()
    settle_and_check(page)
    shoot_both(page, "calendar-settings-clinician")

    visit(page, f"/calendar/?week={monday:%G-W%V}")
    closed = page.locator(".cal__col--closed")
    expect(closed.first).to_be_visible()
    grid = page.locator(".cal").inner_text()
    assert "Closed: Training days" in grid
    assert "Not working" in grid  # Saturday: the practice opens, Lena does not work
    shoot_both(page, "calendar-week-closures")


def test_not_ready_a_blocked_move_and_a_cancel_say_what_happened(page, clinician_a, practice_a):
    from scheduling.models import Closure

    waiting = PatientFactory(practice=practice_a, first_name="Ida", last_name="Brandt")
    services.create_screening(
        actor=clinician_a,
        patient=waiting,
        indication="skin",
        conditions=["psoriasis"],
        informed_consent=True,
    )
    ready = PatientFactory(practice=practice_a, first_name="Clara", last_name="Engel")
    services.create_screening(actor=clinician_a, patient=ready, indication="skin", **CONSENT)
    monday = next_monday(practice_a)
    course = booking.book_course(
        actor=clinician_a,
        patient=ready,
        protocol_code="mesolift",
        clinician_id=clinician_a.pk,
        start=local(monday, time(10), practice_a.zone),
        initial_interval_days=7,
        targets=["elastosis"],
    ).course
    sign_in(page, "clin_a", PASSWORD)

    visit(page, f"/patients/{waiting.pk}/courses/new/?indication=skin")
    status = page.get_by_role("status")
    assert "Not ready to book" in status.inner_text()
    assert "not yet acknowledged" in status.inner_text()
    assert "regenerative" in status.inner_text()
    # Consent to the regenerative course is missing: only a new screening resolves it.
    expect(page.get_by_role("link", name="Screen again")).to_be_visible()
    expect(page.get_by_role("link", name="Review and acknowledge the caution")).to_have_count(0)
    shoot_both(page, "calendar-booking-not-ready")

    # Session 3 would follow session 2 onto days the practice is closed: nothing moves.
    blocked = monday + timedelta(days=15)
    for offset in (-1, 0, 1):
        Closure.objects.create(practice=practice_a, day=blocked + timedelta(days=offset))
    second = course.appointments.get(sequence=2)
    before = list(course.appointments.order_by("sequence").values_list("starts_at", flat=True))
    visit(page, f"/calendar/appointments/{second.pk}/")
    page.get_by_label("New date").fill(dotted(monday + timedelta(days=8)))
    page.get_by_role("button", name="Propose the move").click()
    alert = page.get_by_role("alert").filter(has_text="Not moved.")
    alert.wait_for()
    settle_and_check(page)
    assert "Session 3 cannot be placed" in alert.inner_text()
    after = list(course.appointments.order_by("sequence").values_list("starts_at", flat=True))
    assert after == before
    shoot_both(page, "calendar-move-refused")

    page.get_by_role("link", name="Cancel this appointment").click()
    page.get_by_role("heading", name="Cancel this appointment?").wait_for()
    settle_and_check(page)
    shoot_both(page, "calendar-cancel-confirm")
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_text("Choose why the appointment is cancelled.").first.wait_for()
    settle_and_check(page)
    assert course.appointments.get(sequence=2).status == "scheduled"
    page.get_by_label("The patient is unwell").check()
    page.get_by_role("button", name="Cancel the appointment").click()
    page.get_by_text("The slot is free.").wait_for()
    settle_and_check(page)
    assert "Not yet booked" in page.locator(".course-sessions").inner_text()
    assert "7 booked" in page.locator(".course-progress").inner_text()
    page.get_by_role("link", name="Book again session 2").click()
    page.get_by_role("heading", name="Book session 2 again").wait_for()
    settle_and_check(page)
    shoot_both(page, "calendar-rebook")


def test_the_day_checks_a_patient_in_and_marks_a_no_show(
    page, clinician_a, practice_a, week_with_appointments
):
    """Today's practice day: the clinician checks in the 15:00 patient from the home page,
    marks one who did not come, and the grid tells kinds and states apart."""
    zone = practice_a.zone
    today = practice_today(practice_a)
    late = PatientFactory(practice=practice_a, first_name="Nora", last_name="Hoffmann-Vogt")
    start = local(today, time(0, 15), zone)  # begun whenever the test runs; as entered
    missed = Appointment.objects.create(  # afterwards, so outside the hours it may be
        practice=practice_a,
        patient=late,
        clinician=clinician_a,
        kind="consultation",
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
    )
    sign_in(page, "clin_a", PASSWORD)
    row = page.locator(".day-list__item").filter(has_text="Ben Wolf")
    row.get_by_role("button", name="Check in Ben Wolf").click()
    page.get_by_text("Ben Wolf checked in at").wait_for()
    settle_and_check(page)
    expect(row.get_by_text("Arrived")).to_be_visible()
    shoot_both(page, "home-checked-in")

    visit(page, f"/calendar/appointments/{missed.pk}/")
    page.get_by_role("button", name="Mark as no-show").click()
    page.get_by_text("Nora Hoffmann-Vogt marked as no-show.").wait_for()
    settle_and_check(page)
    assert Appointment.objects.get(pk=missed.pk).status == "no_show"
    expect(page.get_by_role("button", name="Undo no-show")).to_be_visible()
    shoot_both(page, "calendar-appointment-no-show")

    visit(page, "/calendar/day/")
    expect(page.locator(".cal__slots .appt--arrived")).to_have_count(1)
    expect(page.locator(".cal__slots .appt--no_show")).to_have_count(1)
    ben = page.locator(".cal__slots .appt--arrived")
    assert "Ben Wolf" in (ben.get_attribute("title") or "")
    ben.hover()
    shoot_both(page, "calendar-day-states")


def test_a_free_slot_books_a_visit_and_a_drag_proposes_a_move(
    page, clinician_a, practice_a, week_with_appointments
):
    """Next week's grid: a click on Tuesday's free 11:00 quarter hour books a consultation
    for a patient found by name; dragging Paula Keller's Wednesday visit to Thursday opens
    the move's proposal, which saves nothing until it is confirmed."""
    monday = week_with_appointments
    tuesday, wednesday = monday + timedelta(days=1), monday + timedelta(days=2)
    patient = PatientFactory(practice=practice_a, first_name="Ida", last_name="Sommerfeld")
    sign_in(page, "clin_a", PASSWORD)
    week = f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}"
    visit(page, f"/calendar/?week={week}")
    column = page.locator(f".cal__slots[data-day='{tuesday:%Y-%m-%d}']")
    free = column.locator(".cal__free[data-starts='09:45']")  # 09:00-09:45 is Greta Lorenz's
    box = free.bounding_box()
    rows = (free.get_attribute("data-ends"), free.get_attribute("data-starts"))
    assert rows == ("14:00", "09:45")
    free.hover()
    shoot_both(page, "calendar-free-slot-hover")
    slot = box["height"] / 17  # 09:45 to 14:00 is 17 quarter hours
    page.mouse.click(box["x"] + 20, box["y"] + slot * 5 + 2)  # the 6th: 11:00
    page.get_by_role("heading", name="Who is the visit for?").wait_for()
    settle_and_check(page)
    assert "11:00" in page.locator(".page-head").inner_text()
    page.get_by_label("Name, e-mail or phone").fill("Sommerfeld")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Sommerfeld, Ida").wait_for()
    settle_and_check(page)
    shoot_both(page, "calendar-visit-find-patient")
    page.get_by_role("link", name="Sommerfeld, Ida").click()
    page.get_by_role("heading", name="Ida Sommerfeld").wait_for()
    settle_and_check(page)
    expect(page.get_by_label("Time")).to_have_value("11:00")
    shoot_both(page, "calendar-visit-book")
    page.get_by_role("button", name="Book the visit").click()
    page.get_by_text("Booked: Consultation for Ida Sommerfeld").wait_for()
    settle_and_check(page)
    booked = Appointment.objects.get(patient=patient)
    assert booked.starts_at == local(tuesday, time(11), practice_a.zone)
    page.go_back()  # Back after the redirect shows the form again, and books nothing
    page.wait_for_load_state("load")
    settle_and_check(page)
    assert Appointment.objects.filter(patient=patient).count() == 1

    visit(page, f"/calendar/?week={week}")
    paula = page.locator(".appt", has_text="Paula Keller")
    before = Appointment.objects.get(patient__last_name="Keller").starts_at
    source = paula.bounding_box()
    thursday = page.locator(f".cal__slots[data-day='{monday + timedelta(days=3):%Y-%m-%d}']")
    target = thursday.bounding_box()
    page.mouse.move(source["x"] + 10, source["y"] + 5)
    page.mouse.down()
    page.mouse.move(target["x"] + 30, source["y"] + 40, steps=8)
    page.mouse.move(target["x"] + 30, source["y"] + 5, steps=4)
    page.mouse.up()
    page.get_by_role("button", name="Confirm the move").wait_for()
    settle_and_check(page)
    assert "Check the move" in page.locator("#proposal").inner_text()
    assert Appointment.objects.get(patient__last_name="Keller").starts_at == before
    shoot_both(page, "calendar-drag-proposal")
    page.get_by_role("button", name="Confirm the move").click()
    page.get_by_text("The appointment moved to").wait_for()
    moved = Appointment.objects.get(patient__last_name="Keller").starts_at.astimezone(
        practice_a.zone
    )
    assert moved.date() == monday + timedelta(days=3) and moved.time() == time(11)
    assert wednesday != moved.date()
