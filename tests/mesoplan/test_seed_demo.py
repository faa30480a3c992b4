import pytest
from django.core.management import call_command

from mesoplan.models import Network, Practice, User

pytestmark = pytest.mark.django_db


def counts():
    return (Network.objects.count(), Practice.objects.count(), User.objects.count())


def test_seed_demo_creates_five_accounts_and_is_rerunnable(client):
    call_command("seed_demo", "--patients", "0", "--password", "pw-1")
    first = counts()
    call_command("seed_demo", "--patients", "0", "--password", "pw-1")
    assert counts() == first and first[1] >= 2
    users = {u.username: u for u in User.objects.all()}
    assert {"clinician1", "manager1", "clinician2", "manager2", "networkadmin"} <= set(users)
    assert users["clinician1"].practice == users["manager1"].practice
    assert users["clinician2"].practice == users["manager2"].practice
    assert users["clinician1"].practice != users["clinician2"].practice
    assert users["networkadmin"].practice is None and users["networkadmin"].network is not None
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "clinician1", "password": "pw-1"},
        content_type="application/json",
    )
    assert response.status_code == 200


def test_seed_demo_patients_span_both_practices_and_every_outcome():
    from patients.models import Patient, Screening

    call_command("seed_demo", "--patients", "20", "--seed", "7", "--password", "pw")
    first = (Patient.objects.count(), Screening.objects.count())
    call_command("seed_demo", "--patients", "20", "--seed", "7", "--password", "pw")
    assert (Patient.objects.count(), Screening.objects.count()) == first == (20, 22)
    assert Patient.objects.values("practice").distinct().count() == 2
    for practice in {p.practice for p in Patient.objects.select_related("practice")}:
        outcomes = set(
            Screening.objects.filter(patient__practice=practice).values_list("outcome", flat=True)
        )
        assert outcomes == {"eligible", "caution", "deferred", "excluded"}, practice
    assert Screening.objects.filter(acknowledgement__isnull=False).exists()
    assert Screening.objects.filter(indication="hair", patient__sex="male").exists()


def test_seed_is_deterministic_for_a_seed_and_creates_what_it_plans():
    from patients.demo import demo_patients
    from patients.models import Patient

    plan = demo_patients(6, seed=3, practices=2)
    assert plan == demo_patients(6, seed=3, practices=2)
    assert plan != demo_patients(6, seed=4, practices=2)
    call_command("seed_demo", "--patients", "6", "--seed", "3", "--password", "pw")
    created = {p.pk: (p.first_name, p.last_name, p.date_of_birth) for p in Patient.objects.all()}
    assert created == {d.pk: (d.first_name, d.last_name, d.date_of_birth) for d in plan}


def test_seed_demo_asks_each_app_for_its_demo_data_in_installed_apps_order():
    from io import StringIO

    from mesoplan.management.commands.seed_demo import app_demo_seeders
    from patients import demo as patients_demo
    from scheduling import demo as sessions_demo

    seeders = list(app_demo_seeders())
    # patients before sessions: courses need the patients' screenings.
    assert seeders.index(patients_demo.seed_demo) < seeders.index(sessions_demo.seed_demo)
    out = StringIO()
    call_command("seed_demo", "--patients", "2", "--seed", "5", "--password", "pw", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Demo data ready."
    assert lines[1] == "Patients: 2 new (2 requested, seed 5)."
    assert lines[2].startswith("Courses: ")
    assert lines[3].startswith("Sessions: ")
    assert lines[4].startswith("Webhooks: a demo endpoint per practice")
    assert lines[5] == "Accounts (password: pw):"


def test_seed_demo_makes_the_calendar_alive_in_both_practices_and_reruns_cleanly():
    from datetime import timedelta
    from io import StringIO

    from django.utils import timezone

    from mesoplan.models import Practice
    from scheduling.models import Appointment, Closure, Course, OpeningHours

    call_command("seed_demo", "--patients", "24", "--password", "pw", stdout=StringIO())
    courses = Course.objects.count()
    call_command("seed_demo", "--patients", "24", "--password", "pw", stdout=StringIO())
    assert Course.objects.count() == courses > 0
    now = timezone.now()
    for practice in Practice.objects.all():
        assert OpeningHours.objects.filter(practice=practice).exists()
        assert Closure.objects.filter(practice=practice).exists()
        assert practice.staff.filter(role="clinician").count() >= 2
        around = Appointment.objects.filter(
            practice=practice,
            starts_at__gte=now - timedelta(weeks=6),
            starts_at__lte=now + timedelta(weeks=6),
        )
        assert around.filter(status="completed").exists()
        assert around.filter(status="scheduled").exists()
