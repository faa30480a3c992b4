"""The managers' calendar settings pages: a clinician gets 403, another practice's rows
404; a failed form shows its errors and changes nothing; constant queries."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from protocols.planner import local
from scheduling import booking, selectors
from scheduling.models import Absence, Closure, OpeningHours, WorkingHours
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling.settings_support import NOW, SPLIT, actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_settings_page_is_for_managers(client, clinician_a, manager_a, network_admin):
    url = reverse("calendar:settings")
    client.force_login(clinician_a)
    assert client.get(url).status_code == 403
    assert client.post(reverse("calendar:opening-hours"), {}).status_code == 403
    client.force_login(network_admin)
    assert client.get(url).status_code == 403
    client.force_login(manager_a)
    body = client.get(url).content.decode()
    assert "Not entered yet: MesoPlan plans with Monday to Friday, 08:00-18:00." in body


def test_a_manager_saves_split_opening_hours(as_manager, manager_a):
    response = as_manager.post(
        reverse("calendar:opening-hours"),
        {"opening-monday": "08:00-12:00, 14:00-18:00", "opening-tuesday": "9:00 - 17:00"},
    )
    assert response.status_code == 302
    assert selectors.opening_hours_of(manager_a) == {0: SPLIT, 1: [(time(9), time(17))]}
    body = as_manager.get(reverse("calendar:settings")).content.decode()
    assert 'value="08:00-12:00, 14:00-18:00"' in body and "Opening hours saved." in body


def test_a_failed_save_shows_the_errors_and_keeps_the_hours(as_manager, practice_a):
    OpeningHours.objects.create(practice=practice_a, weekday=0, opens=time(8), closes=time(18))
    response = as_manager.post(
        reverse("calendar:opening-hours"),
        {"opening-monday": "08:00-13:00, 12:00-18:00", "opening-friday": "morning"},
    )
    assert response.status_code == 400
    form = response.context["opening_form"]
    assert "Write each period as 08:00-12:00" in form.errors["friday"][0]
    assert OpeningHours.objects.count() == 1
    response = as_manager.post(
        reverse("calendar:opening-hours"), {"opening-monday": "08:00-13:00, 12:00-18:00"}
    )
    assert "The periods overlap at 12:00" in response.context["opening_form"].errors["monday"][0]


def test_a_manager_adds_and_removes_a_closure(as_manager, practice_a):
    response = as_manager.post(
        reverse("calendar:closure-add"),
        {
            "closure-first": "24.12.2026",
            "closure-last": "26.12.2026",
            "closure-reason": "Christmas",
        },
    )
    assert response.status_code == 302
    assert Closure.objects.filter(practice=practice_a, reason="Christmas").count() == 3
    body = as_manager.get(reverse("calendar:settings")).content.decode()
    assert "Thu 24 Dec 2026" in body and "Closure saved (3 new days)." in body
    closure = Closure.objects.get(day=date(2026, 12, 25))
    response = as_manager.post(reverse("calendar:closure-remove"), {"closure": closure.pk})
    assert response.status_code == 302 and not Closure.objects.filter(pk=closure.pk).exists()
    assert actions() == ["closure.add", "closure.remove"]


def test_a_closure_date_in_the_wrong_format_names_the_format(as_manager):
    response = as_manager.post(reverse("calendar:closure-add"), {"closure-first": "2026/12/24"})
    assert response.status_code == 400
    assert "Enter the date as DD.MM.YYYY" in response.content.decode()
    assert not Closure.objects.exists()


def test_another_practices_closure_is_not_found(client, manager_b, practice_a):
    closure = Closure.objects.create(practice=practice_a, day=date(2026, 12, 24))
    client.force_login(manager_b)
    response = client.post(reverse("calendar:closure-remove"), {"closure": closure.pk})
    assert response.status_code == 404 and Closure.objects.exists()
    assert client.post(reverse("calendar:closure-remove"), {"closure": "x"}).status_code == 404


def test_a_manager_sets_a_clinicians_hours_and_absences(as_manager, clinician_a):
    url = reverse("calendar:clinician-settings", args=[clinician_a.pk])
    assert as_manager.get(url).status_code == 200
    response = as_manager.post(url, {"hours-monday": "09:00-13:00"})
    assert response.status_code == 302
    assert WorkingHours.objects.filter(clinician=clinician_a).count() == 1
    response = as_manager.post(
        reverse("calendar:absence-add", args=[clinician_a.pk]),
        {"absence-first": "05.10.2026", "absence-last": "09.10.2026", "absence-reason": "Leave"},
    )
    assert response.status_code == 302
    absence = Absence.objects.get(clinician=clinician_a)
    assert (absence.starts_on, absence.ends_on) == (date(2026, 10, 5), date(2026, 10, 9))
    body = as_manager.get(url).content.decode()
    assert "Mon 05 Oct 2026 \u2013 Fri 09 Oct 2026" in body
    settings_page = as_manager.get(reverse("calendar:settings")).content.decode()
    assert "Mon 09:00-13:00" in settings_page and "Away: 05 Oct\u201309 Oct" in settings_page
    response = as_manager.post(
        reverse("calendar:absence-remove", args=[clinician_a.pk]), {"absence": absence.pk}
    )
    assert response.status_code == 302 and not Absence.objects.exists()


def test_an_absence_over_booked_appointments_says_how_many(as_manager, clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    start = local(date(2026, 10, 6), time(10), practice_a.zone)
    booking.book_appointment(
        actor=clinician_a,
        patient=patient,
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=start,
        ends_at=start.replace(hour=11),
    )
    response = as_manager.post(
        reverse("calendar:absence-add", args=[clinician_a.pk]),
        {"absence-first": "05.10.2026", "absence-last": "09.10.2026"},
        follow=True,
    )
    assert "1 booked appointment is on those days" in response.content.decode()


def test_clinician_pages_answer_403_to_a_clinician_and_404_to_another_practice(
    client, clinician_a, manager_b
):
    url = reverse("calendar:clinician-settings", args=[clinician_a.pk])
    colleague = ClinicianFactory(practice=clinician_a.practice)
    client.force_login(colleague)
    assert client.get(url).status_code == 403
    client.force_login(manager_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"hours-monday": "09:00-13:00"}).status_code == 404
    assert not WorkingHours.objects.exists()


def test_a_manager_sets_the_appointment_lengths(as_manager, manager_a):
    response = as_manager.post(
        reverse("calendar:kind-lengths"), {"lengths-consultation": "20", "lengths-course": ""}
    )
    assert response.status_code == 302
    assert selectors.kind_lengths_of(manager_a) == {"consultation": 20}
    response = as_manager.post(reverse("calendar:kind-lengths"), {"lengths-consultation": "2"})
    assert response.status_code == 400


@pytest.mark.parametrize("clinicians", [1, 8])
def test_the_settings_page_runs_a_constant_number_of_queries(
    as_manager, practice_a, clinicians, django_assert_max_num_queries
):
    for n in range(clinicians):
        clinician = ClinicianFactory(practice=practice_a)
        WorkingHours.objects.create(
            clinician=clinician, weekday=n % 5, starts=time(9), ends=time(12)
        )
        Absence.objects.create(
            clinician=clinician, starts_on=date(2026, 10, n + 1), ends_on=date(2026, 10, n + 2)
        )
        Closure.objects.create(practice=practice_a, day=date(2026, 11, n + 1))
    with django_assert_max_num_queries(13):
        assert as_manager.get(reverse("calendar:settings")).status_code == 200
