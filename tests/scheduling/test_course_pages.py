"""Booking a course in the browser (the proposed dates first, then confirm), the page
that says why a patient is not ready, the course page, and the course on the record."""

import re
from datetime import UTC, date, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from mesoplan.models import AuditEntry
from patients import services
from scheduling.models import Appointment, Closure, Course
from tests.factories import CONSENT, ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)  # a Tuesday


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def book_url(patient, indication="skin"):
    return reverse("courses:book", args=[patient.pk]) + f"?indication={indication}"


def form(clinician, **extra):
    data = {
        "clinician": str(clinician.pk),
        "protocol": "mesolift",
        "start_date": "07.09.2026",
        "start_time": "10:00",
        "interval": "7",
        "targets": ["elastosis", "age_spots"],
        "operation_date": "",
        "action": "preview",
    }
    data.update(extra)
    return data


def test_the_form_starts_with_me_the_protocol_and_the_next_open_day(browser_a, ready_patient):
    response = browser_a.get(book_url(ready_patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Propose the dates" in body
    form_ = response.context["form"]
    assert form_["clinician"].value() == str(response.wsgi_request.user.pk)
    assert form_["protocol"].value() == "mesolift"
    assert form_["start_date"].value() == date(2026, 9, 2)  # tomorrow, a Wednesday
    assert 'placeholder="DD.MM.YYYY"' in body  # the practice's format, no date picker
    assert 'type="date"' not in body
    assert not Course.objects.exists()


def test_proposing_shows_the_eight_dates_and_books_nothing(browser_a, clinician_a, ready_patient):
    response = browser_a.post(book_url(ready_patient), form(clinician_a))
    assert response.status_code == 200, response.context["form"].errors
    rows = response.context["proposal"]["rows"]
    assert [r.sequence for r in rows] == list(range(1, 9))
    assert [f"{r.start.astimezone(UTC):%Y-%m-%d %H:%M}" for r in rows][:2] == [
        "2026-09-07 08:00",  # UTC: 10:00 in Berlin
        "2026-09-14 08:00",
    ]
    body = response.content.decode()
    assert "Book these 8 sessions" in body
    assert "Mon 07 Sep 2026" in body
    assert not Course.objects.exists() and not Appointment.objects.exists()


def test_the_proposal_is_a_get_and_its_confirmation_a_post_that_redirects(
    browser_a, clinician_a, ready_patient
):
    """Back and Reload never book: proposing is a read (GET), booking a POST that
    redirects; the confirmation carries exactly the choices that were shown."""
    query = urlencode(form(clinician_a) | {"indication": "skin"}, doseq=True)
    shown = browser_a.get(reverse("courses:book", args=[ready_patient.pk]) + "?" + query)
    assert shown.status_code == 200 and shown.context["proposal"]
    body = shown.content.decode()
    confirm = body[body.index('<form method="post"') : body.index("Book these 8 sessions")]
    carried = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', confirm))
    assert carried["start_date"] == "07.09.2026" and carried["proposal"]
    assert (
        "csrfmiddlewaretoken" not in query
        and "csrfmiddlewaretoken" not in shown.request["QUERY_STRING"]
    )
    data = dict(form(clinician_a), proposal=carried["proposal"], action="book")
    booked = browser_a.post(book_url(ready_patient), data)
    assert booked.status_code == 302 and Course.objects.count() == 1
    browser_a.get(reverse("courses:book", args=[ready_patient.pk]) + "?" + query)  # Back
    assert Course.objects.count() == 1


def test_a_session_moved_off_a_closed_day_shows_planned_and_booked_and_why(
    browser_a, clinician_a, ready_patient, practice_a
):
    Closure.objects.create(practice=practice_a, day=date(2026, 9, 14), reason="Staff training")
    response = browser_a.post(book_url(ready_patient), form(clinician_a))
    row = response.context["proposal"]["rows"][1]
    assert row.moved and row.note == "the practice is closed (Staff training)."
    body = response.content.decode()
    assert "Planned Mon 14 Sep, 10:00: the practice is closed (Staff training)." in body
    # Sun 29 Nov (session 6) moves too, to Monday the 30th: the practice is closed at
    # weekends; and so does Sat 30 Jan, one month after session 7 on 30 Dec.
    rows = response.context["proposal"]["rows"]
    assert [r.sequence for r in rows if r.moved] == [2, 6, 8]
    assert response.context["proposal"]["moved"] == 3


def test_confirming_books_the_course_and_lands_on_its_page(browser_a, clinician_a, ready_patient):
    proposal = browser_a.post(book_url(ready_patient), form(clinician_a)).context["proposal"]
    response = browser_a.post(
        book_url(ready_patient),
        form(clinician_a, action="book", proposal=proposal["fingerprint"]),
    )
    course = Course.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("courses:detail", args=[course.pk])
    assert course.targets == ["elastosis", "age_spots"] and course.clinician == clinician_a
    assert course.appointments.count() == 8
    assert AuditEntry.objects.filter(action="course.book").count() == 1
    page = browser_a.get(response["Location"])
    assert "Course booked: 8 sessions from Mon 07 Sep 2026, 10:00." in page.content.decode()


def test_dates_that_changed_since_the_proposal_are_shown_again_not_booked(
    browser_a, clinician_a, ready_patient, practice_a
):
    proposal = browser_a.post(book_url(ready_patient), form(clinician_a)).context["proposal"]
    Closure.objects.create(practice=practice_a, day=date(2026, 9, 21))  # meanwhile
    response = browser_a.post(
        book_url(ready_patient),
        form(clinician_a, action="book", proposal=proposal["fingerprint"]),
    )
    assert response.status_code == 200
    assert response.context["changed"]
    assert "The dates below are new." in response.content.decode()
    assert not Course.objects.exists()


def test_a_start_in_the_past_is_an_error_on_the_start_field(browser_a, clinician_a, ready_patient):
    response = browser_a.post(book_url(ready_patient), form(clinician_a, start_date="31.08.2026"))
    assert response.status_code == 400
    assert response.context["form"].errors["start_date"] == [
        "The first session must be in the future."
    ]


def test_targets_are_those_of_the_indication_and_at_least_one(
    browser_a, clinician_a, ready_patient
):
    response = browser_a.post(book_url(ready_patient), form(clinician_a, targets=["regrowth"]))
    assert response.status_code == 400 and "targets" in response.context["form"].errors
    response = browser_a.post(book_url(ready_patient), form(clinician_a, targets=[]))
    assert response.context["form"].errors["targets"] == ["Tick what the course treats."]


def test_a_pre_operative_course_needs_its_date_and_warns_when_too_close(
    browser_a, clinician_a, ready_patient
):
    response = browser_a.post(
        book_url(ready_patient), form(clinician_a, combinations=["pre_operative"])
    )
    assert response.context["form"].errors["operation_date"] == [
        "A pre-operative course needs the operation date."
    ]
    response = browser_a.post(
        book_url(ready_patient),
        form(clinician_a, combinations=["pre_operative"], operation_date="10.09.2026"),
    )
    assert response.status_code == 200
    warning = response.context["proposal"]["warning"]
    assert warning.startswith("Only 1 session falls before the operation on 10 Sep 2026")
    assert warning in response.content.decode()


def test_a_colleague_can_be_chosen_but_not_someone_elses_clinician(
    browser_a, clinician_a, clinician_b, ready_patient, practice_a
):
    colleague = ClinicianFactory(practice=practice_a, first_name="Omar")
    response = browser_a.post(book_url(ready_patient), form(colleague))
    assert response.context["proposal"]["clinician"] == colleague
    response = browser_a.post(book_url(ready_patient), form(clinician_b))
    assert response.status_code == 400 and "clinician" in response.context["form"].errors


@pytest.mark.parametrize(
    ("screening", "message", "link"),
    [
        (None, "Not screened for this indication.", "Screen for skin"),
        ({"conditions": ["psoriasis"], **CONSENT}, "not yet acknowledged", "#acknowledge"),
        ({"expectations_acknowledged": True}, "informed consent is not recorded", "Screen again"),
        ({"conditions": ["epilepsy"], **CONSENT}, "excludes treatment", "no course can be booked"),
    ],
)
def test_not_ready_says_why_and_links_to_what_resolves_it(
    browser_a, clinician_a, screening, message, link
):
    patient = PatientFactory(practice=clinician_a.practice)
    if screening is not None:
        services.create_screening(
            actor=clinician_a, patient=patient, indication="skin", **screening
        )
    response = browser_a.get(book_url(patient))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Not ready to book" in body and message in body and link in body
    assert "Propose the dates" not in body
    posted = browser_a.post(book_url(patient), form(clinician_a, action="book"))
    assert posted.status_code == 409 and not Course.objects.exists()


def test_a_manager_books_for_a_clinician_and_sees_no_screening_links(
    client, manager_a, clinician_a
):
    patient = PatientFactory(practice=clinician_a.practice)
    services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["psoriasis"], **CONSENT
    )
    client.force_login(manager_a)
    body = client.get(book_url(patient)).content.decode()
    assert "A clinician weighs the relative contraindications" in body
    assert "#acknowledge" not in body


def test_without_an_indication_the_page_asks_which(browser_a, ready_patient):
    response = browser_a.get(reverse("courses:book", args=[ready_patient.pk]) + "?indication=x")
    assert response.status_code == 200
    assert "Which indication?" in response.content.decode()


def _book(clinician, patient):
    from scheduling import booking

    return booking.book_course(
        actor=clinician,
        patient=patient,
        protocol_code="mesolift",
        clinician_id=clinician.pk,
        start=datetime(2026, 9, 7, 8, 0, tzinfo=UTC),
        initial_interval_days=7,
        targets=["elastosis"],
        combinations=["needling"],
    ).course


def test_the_course_page_shows_progress_and_every_session(
    browser_a, clinician_a, ready_patient, django_assert_max_num_queries
):
    course = _book(clinician_a, ready_patient)
    first, second, *_ = course.appointments.order_by("sequence")
    Appointment.objects.filter(pk=first.pk).update(status="completed")
    Appointment.objects.filter(pk=second.pk).update(status="cancelled")
    # 8, and 2 for the survey section (the survey, whether a session is recorded).
    with django_assert_max_num_queries(10):
        response = browser_a.get(reverse("courses:detail", args=[course.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    progress = response.context["progress"]
    assert (progress.done, progress.booked, progress.not_booked) == (1, 6, 1)
    assert "<strong>1 of 8</strong> done" in body
    assert "Not yet booked" in body and "(cancelled 14 Sep 2026, 10:00)" in body
    assert "Elastosis" in body and "Needling" in body
    assert body.count(">Move<") == 6  # the scheduled ones only


def test_the_record_lists_the_courses_with_their_progress_and_links_to_booking(
    browser_a, clinician_a, ready_patient
):
    url = reverse("patients:detail", args=[ready_patient.pk])
    body = browser_a.get(url).content.decode()
    assert "No course booked yet." in body
    assert f'href="{book_url(ready_patient)}"' in body  # the next step is a real link now
    course = _book(clinician_a, ready_patient)
    body = browser_a.get(url).content.decode()
    assert reverse("courses:detail", args=[course.pk]) in body
    assert "<strong>0 of 8</strong> done" in body
    assert "Next session Mon 07 Sep 2026, 10:00" in body


def test_the_screening_result_offers_booking_only_when_ready(browser_a, clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    ready = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", **CONSENT
    )
    url = reverse("patients:screening", args=[patient.pk, ready.pk])
    assert "Book a course" in browser_a.get(url).content.decode()
    with time_machine.travel(NOW.replace(hour=9), tick=False):  # newer by the clock
        newer = services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    assert "Book a course" not in browser_a.get(url).content.decode()  # superseded
    url = reverse("patients:screening", args=[patient.pk, newer.pk])
    assert "Book a course" not in browser_a.get(url).content.decode()  # consent missing


@pytest.mark.parametrize("courses", [1, 3])
def test_the_record_runs_a_constant_number_of_queries_however_many_courses(
    browser_a, clinician_a, ready_patient, courses, django_assert_max_num_queries
):
    from scheduling import booking, rescheduling

    booked = None
    for n in range(courses):
        if booked:  # one active course of an indication at a time: the earlier ones ended
            rescheduling.end_course(actor=clinician_a, course=booked.course, reason="Moved away")
        booked = booking.book_course(
            actor=clinician_a,
            patient=ready_patient,
            protocol_code="mesolift",
            clinician_id=clinician_a.pk,
            start=datetime(2026, 9, 7 + n, 8, 0, tzinfo=UTC),
            initial_interval_days=7,
        )
    # 13 for the record and its courses, 2 for the timeline (appointments, session records),
    # 1 for the consent to photography, 1 for the adverse-event alerts.
    with django_assert_max_num_queries(17):
        response = browser_a.get(reverse("patients:detail", args=[ready_patient.pk]))
    assert response.content.decode().count("<strong>0 of 8</strong> done") == courses
