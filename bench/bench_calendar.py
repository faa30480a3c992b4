"""The clinician week view and the practice day view as the calendar fills: queries and
median time with 10 and 10,000 appointments in the practice."""

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from scheduling.models import Appointment, AppointmentKind
from tests.factories import ClinicianFactory, PatientFactory, PracticeFactory


def _fill(practice, clinicians, patients, total: int) -> None:
    """`total` appointments of 30 minutes, packed over working hours around today; each
    clinician's with a patient of its own (a patient is in one place at a time)."""
    have = Appointment.objects.filter(practice=practice).count()
    start = timezone.now().replace(hour=7, minute=0, second=0, microsecond=0) - timedelta(days=200)
    rows = []
    for n in range(have, total):
        clinician = clinicians[n % len(clinicians)]
        slot = n // len(clinicians)
        day, index = divmod(slot, 16)
        begins = start + timedelta(days=day, minutes=30 * index)
        rows.append(
            Appointment(
                practice=practice,
                patient=patients[n % len(clinicians)],
                clinician=clinician,
                kind=AppointmentKind.CONSULTATION,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=30),
            )
        )
    Appointment.objects.bulk_create(rows, batch_size=2000)


def run(timed) -> None:
    practice = PracticeFactory(name="Calendar bench", slug="calendar-bench")
    clinicians = [ClinicianFactory(practice=practice) for _ in range(3)]
    patients = [PatientFactory(practice=practice) for _ in clinicians]
    client = Client()
    client.force_login(clinicians[0])
    pages = {"week view": "/calendar/", "day view": "/calendar/day/"}
    print(f"{'page':<14}{'appointments':>14}{'shown':>7}{'queries':>9}{'median ms':>11}")
    for total in (10, 10_000):
        _fill(practice, clinicians, patients, total)
        for name, url in pages.items():
            client.get(url)  # warm: the first request of a session renews it
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, response.status_code
            queries = len(ctx)
            shown = response.content.count(b"Consultation")
            ms = timed(lambda url=url: client.get(url))
            print(f"{name:<14}{total:>14,}{shown:>7}{queries:>9}{ms:>11.2f}")
