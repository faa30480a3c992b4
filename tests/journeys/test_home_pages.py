"""Each role's home page in a real browser, with queues filled: what a clinician, a
practice manager and a network admin see first."""

import re
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from mesoplan.audit import Action, record
from mesoplan.clock import practice_zone
from patients import services
from scheduling.models import Appointment
from tests.factories import PASSWORD, ClinicianFactory, PatientFactory
from tests.journeys.conftest import settle_and_check, sign_in
from tests.journeys.test_staff import shoot_both

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAMES = [
    ("Greta", "Lorenz"),
    ("Ida", "Roth"),
    ("Paula", "Keller"),
    ("Clara", "Vogt"),
    ("Emil", "Brandt"),
]


def _screen(clinician, patient, conditions, days_ago=0, indication="skin"):
    with time_machine.travel(timezone.now() - timedelta(days=days_ago)):
        return services.create_screening(
            actor=clinician, patient=patient, indication=indication, conditions=conditions
        )


@pytest.fixture
def busy_practice(clinician_a, manager_a, practice_a, practice_b):
    patients = [
        PatientFactory(practice=practice_a, first_name=first, last_name=last)
        for first, last in NAMES
    ]
    _screen(clinician_a, patients[0], ["psoriasis"], days_ago=2)
    _screen(clinician_a, patients[1], ["herpes", "bleeding_disorder"], days_ago=1)
    _screen(clinician_a, patients[2], ["acute_infection"], days_ago=20)
    _screen(clinician_a, patients[3], ["acute_infection"], days_ago=3, indication="hair")
    _screen(clinician_a, patients[4], [])
    for patient in reversed(patients):
        record(clinician_a, Action.PATIENT_VIEW, patient, patient_id=patient.pk)
    # The clinician's day: three appointments today (the first one done), one tomorrow.
    zone = practice_zone(practice_a)
    midnight = datetime.combine(timezone.now().astimezone(zone).date(), time.min, tzinfo=zone)
    for hours, patient, kind, status in (
        (8, patients[4], "consultation", "completed"),
        (10, patients[1], "maintenance", "scheduled"),
        (15, patients[0], "maintenance", "scheduled"),
        (33, patients[3], "consultation", "scheduled"),
    ):
        start = midnight + timedelta(hours=hours)
        Appointment.objects.create(
            practice=practice_a,
            patient=patient,
            clinician=clinician_a,
            kind=kind,
            status=status,
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
        )
    colleague = ClinicianFactory(practice=practice_b)
    for n in range(4):
        patient = PatientFactory(practice=practice_b)
        _screen(colleague, patient, [[], ["psoriasis"], [], ["epilepsy"]][n])
    return patients


def test_each_role_sees_its_work_first(page, busy_practice, network_admin):
    sign_in(page, "clin_a", PASSWORD)
    page.get_by_role("heading", name="Cautions awaiting acknowledgement").wait_for()
    assert page.get_by_role("link", name="Greta Lorenz").first.is_visible()
    day = page.get_by_role("region", name=re.compile(r"^Today, "))
    assert day.get_by_role("link", name="Ida Roth", exact=True).is_visible()
    assert day.get_by_text("Herpes prophylaxis").is_visible()  # Ida tends to herpes
    shoot_both(page, "home-clinician-queues")
    page.get_by_role("button", name="Sign out").click()
    settle_and_check(page)

    sign_in(page, "mgr_a", PASSWORD)
    page.get_by_role("heading", name="At a glance").wait_for()
    shoot_both(page, "home-manager")

    # The manager follows one patient through the audit trail, from a week ago on.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    settle_and_check(page)
    page.get_by_role("table").get_by_role("link", name="Greta Lorenz").first.click()
    settle_and_check(page)
    page.get_by_role("heading", name="Audit trail of Greta Lorenz").wait_for()
    week_ago = timezone.localdate() - timedelta(days=7)
    page.get_by_label("From").fill(f"{week_ago:%d.%m.%Y}")  # the practice's format
    page.get_by_role("button", name="Filter").click()
    settle_and_check(page)
    page.wait_for_url(re.compile(r"from="))
    rows = page.get_by_role("table").get_by_role("row")
    assert rows.count() == 3  # header, the record opened, the screening
    assert page.get_by_role("table").get_by_text("Screening recorded").is_visible()
    shoot_both(page, "audit-trail-patient")
    page.get_by_role("button", name="Sign out").click()
    settle_and_check(page)

    sign_in(page, "netadmin", PASSWORD)
    page.get_by_role("heading", name="Member practices").wait_for()
    assert "Greta" not in page.content()
    shoot_both(page, "home-network")
