"""Home pages as work queues: what each role sees first, exactly the right patients, and
a number of queries that does not grow with the practice's data."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from mesoplan.audit import Action, record
from office.home import QUEUE_LENGTH
from patients import services
from tests.factories import ClinicianFactory, ManagerFactory, PatientFactory
from tests.mesoplan.test_home import HOME_QUERIES

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # a Tuesday


def screen(clinician, patient, conditions=(), at=DAY, indication="skin"):
    with time_machine.travel(at, tick=False):
        return services.create_screening(
            actor=clinician, patient=patient, indication=indication, conditions=list(conditions)
        )


def home(client, user, at=None):
    client.force_login(user)
    with time_machine.travel(at or DAY + timedelta(days=1), tick=False):
        return client.get(reverse("home")).content.decode()


def section(html: str, title_id: str) -> str:
    return html.split(f'id="{title_id}"')[1].split("</section>")[0]


def test_clinician_sees_open_cautions_linking_to_the_result_page(
    client, clinician_a, practice_a, clinician_b, practice_b
):
    open_ = PatientFactory(practice=practice_a, first_name="Olga", last_name="Open")
    done = PatientFactory(practice=practice_a, first_name="Dora", last_name="Done")
    moved_on = PatientFactory(practice=practice_a, first_name="Mona", last_name="Moved")
    stranger = PatientFactory(practice=practice_b, first_name="Stefan", last_name="Stranger")
    caution = screen(clinician_a, open_, ["psoriasis"])
    acknowledged = screen(clinician_a, done, ["psoriasis"])
    services.acknowledge_caution(actor=clinician_a, screening=acknowledged, reason="stable")
    screen(clinician_a, moved_on, ["psoriasis"])
    screen(clinician_a, moved_on, [], at=DAY + timedelta(hours=2))
    screen(clinician_b, stranger, ["psoriasis"])
    cautions = section(home(client, clinician_a), "cautions-title")
    assert "Olga Open" in cautions
    assert reverse("patients:screening", args=[open_.pk, caution.pk]) in cautions
    for absent in ("Dora Done", "Mona Moved", "Stefan Stranger"):
        assert absent not in cautions
    assert '<span class="count count--warn">1</span>' in cautions


def test_deferred_patients_show_their_due_date_due_ones_first(
    client, clinician_a, practice_a, settings
):
    settings.DEFERRAL_RESCREEN_DAYS = 14
    due = PatientFactory(practice=practice_a, first_name="Dana", last_name="Due")
    later = PatientFactory(practice=practice_a, first_name="Lea", last_name="Later")
    screen(clinician_a, later, ["acute_infection"], at=DAY)
    screen(clinician_a, due, ["acute_infection"], at=DAY - timedelta(days=20))
    html = section(home(client, clinician_a, at=DAY + timedelta(days=1)), "deferred-title")
    assert html.index("Dana Due") < html.index("Lea Later")
    assert "Due since 04 Mar 2026" in html  # 18 Feb + 14 days
    assert "Due 24 Mar 2026" in html  # 10 Mar + 14 days: not yet due
    assert html.count("Screen again") == 1


def test_the_due_date_counts_from_the_screening_day_in_the_practices_zone(
    client, clinician_a, practice_a
):
    practice_a.time_zone = "Pacific/Kiritimati"  # UTC+14: 10 March 11:00 UTC is the 11th
    practice_a.save()
    patient = PatientFactory(practice=practice_a, first_name="Zoe", last_name="Zone")
    screen(clinician_a, patient, ["acute_infection"], at=datetime(2026, 3, 10, 11, tzinfo=UTC))
    html = section(home(client, clinician_a), "deferred-title")
    assert "Due 25 Mar 2026" in html


def test_recently_viewed_lists_the_clinicians_own_last_patients(client, clinician_a, practice_a):
    seen = PatientFactory(practice=practice_a, first_name="Vera", last_name="Viewed")
    PatientFactory(practice=practice_a, first_name="Nina", last_name="Never")
    client.force_login(clinician_a)
    client.get(reverse("patients:detail", args=[seen.pk]))
    recent = section(client.get(reverse("home")).content.decode(), "recent-title")
    assert "Vera Viewed" in recent and "Nina Never" not in recent


def test_manager_sees_the_practice_at_a_glance_and_its_staff(
    client, manager_a, clinician_a, practice_a, clinician_b
):
    patient = PatientFactory(practice=practice_a)
    screen(clinician_a, patient, ["psoriasis"], at=DAY)  # Tuesday: this week
    screen(clinician_a, patient, [], at=DAY - timedelta(days=3), indication="hair")  # last week
    html = home(client, manager_a, at=DAY + timedelta(days=1))
    glance = section(html, "glance-title")
    numbers = [part.split("<")[0] for part in glance.split('<dd class="stat__value">')[1:]]
    assert numbers == ["1", "1", "1"]
    assert "since Monday 09 Mar" in glance
    team = section(html, "team-title")
    assert clinician_a.display_name in team and clinician_b.display_name not in team
    assert reverse("staff:list") in team


def test_network_admin_sees_anonymous_counts_per_member_practice(
    client, network_admin, clinician_a, practice_a, practice_b
):
    for conditions in (["psoriasis"], [], ["acute_infection"]):
        screen(clinician_a, PatientFactory(practice=practice_a, last_name="Secret"), conditions)
    html = home(client, network_admin)
    members = section(html, "members-title")
    row_a = members.split("Practice A")[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in row_a.split('<td class="num">')[1:]]
    # patients; screenings in the last 30 days: all, eligible, caution, deferred, excluded
    assert cells == ["3", "<strong>3</strong>", "1", "1", "1", "0"]
    assert "Practice B" in members
    assert "Secret" not in html and "No network report has been built yet" in html


def test_each_role_has_a_usable_main_menu(client, clinician_a, manager_a, network_admin):
    def menu(user):
        client.force_login(user)
        return client.get(reverse("home")).content.decode().split('aria-label="Main"')[1]

    manager_menu = menu(manager_a).split("</nav>")[0]
    assert 'href="/staff/"' in manager_menu and 'href="/audit/"' in manager_menu
    assert 'href="/staff/"' not in menu(clinician_a).split("</nav>")[0]
    network_menu = menu(network_admin).split("</nav>")[0]
    assert "<a " in network_menu  # not only disabled items


def _fill(practice, clinician, n):
    for i in range(n):
        patient = PatientFactory(practice=practice)
        screen(clinician, patient, [["psoriasis"], ["acute_infection"], []][i % 3])
        record(clinician, Action.PATIENT_VIEW, patient, patient_id=patient.pk)


@pytest.mark.parametrize("size", [2, QUEUE_LENGTH * 3 + 3])
@pytest.mark.parametrize("who", ["clinician_a", "manager_a", "network_admin"])
def test_home_pages_take_a_constant_number_of_queries(
    client, request, who, size, practice_a, practice_b, django_assert_max_num_queries
):
    for practice in (practice_a, practice_b):
        clinician = ClinicianFactory(practice=practice)
        ManagerFactory(practice=practice)
        _fill(practice, clinician, size)
    user = request.getfixturevalue(who)
    if who == "clinician_a":
        _fill(practice_a, user, size)
    client.force_login(user)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200
