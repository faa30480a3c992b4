"""Every page in the site's frame: error pages with one plain sentence and a way back,
and a menu that shows each role only what it can use."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.factories import PatientFactory

FRAME = ('<header class="topbar">', '<main id="main"', '<footer class="footer">')


def in_frame(html: str) -> bool:
    return all(part in html for part in FRAME)


@pytest.mark.django_db
def test_404_is_in_the_frame_with_a_way_back(browser_a, settings):
    assert settings.DEBUG is False
    response = browser_a.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404 and in_frame(html)
    assert "There is no page at this address, or it belongs to another practice." in html
    assert f'href="{reverse("patients:list")}">Back to patients</a>' in html
    assert 'aria-label="Main"' in html  # the signed-in menu is there too


@pytest.mark.django_db
def test_403_for_a_manager_on_the_screening_form(client, manager_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    client.force_login(manager_a)
    response = client.get(reverse("patients:screening-create", args=[patient.pk]))
    html = response.content.decode()
    assert response.status_code == 403 and in_frame(html)
    assert "Your account cannot open this page" in html
    assert f'href="{reverse("patients:list")}">Back to patients</a>' in html


@pytest.mark.django_db
def test_403_for_a_network_admin_leads_home(client, network_admin):
    client.force_login(network_admin)
    response = client.get(reverse("patients:list"))
    html = response.content.decode()
    assert response.status_code == 403 and in_frame(html)
    assert "Back to patients" not in html
    assert f'href="{reverse("home")}">Go to the home page</a>' in html


@pytest.mark.django_db
def test_csrf_failure_is_in_the_frame(clinician_a):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clinician_a)
    response = strict.post(reverse("patients:create"), {"first_name": "Greta"})
    html = response.content.decode()
    assert response.status_code == 403 and in_frame(html)
    assert "Nothing was saved: go back, reload the page and send the form again." in html


def test_500_renders_without_the_database():
    # No django_db mark: pytest-django refuses every query, as a database that is down
    # would. Django renders 500.html with no request context.
    response = defaults.server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500 and in_frame(html)
    assert "MesoPlan could not finish this request" in html
    assert f'href="{reverse("home")}"' in html


@pytest.mark.django_db
def test_lock_out_page_says_to_ask_the_practice_manager_to_unlock(client, clinician_a):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clin_a", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "clin_a", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 429 and in_frame(html)
    assert "ask your practice manager to unlock your account" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, links",
    [
        ("clinician_a", ["Patients", "Calendar", "Lots"]),
        (
            "manager_a",
            ["Patients", "Staff", "Audit trail", "Webhooks", "Reports", "Calendar", "Lots"],
        ),
        ("network_admin", ["Network", "Reports"]),
    ],
)
def test_the_menu_shows_only_what_the_role_can_use(client, request, who, links):
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("home")).content.decode()
    menu = html[html.index('aria-label="Main"') : html.index("</nav>")]
    assert [part.split("</a>")[0].split(">")[-1] for part in menu.split("<a ")[1:]] == links
    for absent in ("Sessions", "aria-disabled"):
        assert absent not in menu
    assert ("Reports" in menu) == (who != "clinician_a")
