import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# Session, user and practice; a clinician's four queues with their counts (at most 8);
# the day (appointments, then the herpes, open-event and survey marks of its patients: 4);
# the session saved (savepoint, update, release). tests/mesoplan/test_home_queues.py and
# tests/office/test_clinicians_day.py prove the count does not grow with the data.
HOME_QUERIES = 18


def test_login_page_has_the_contract_fields(client):
    html = client.get(reverse("login")).content.decode()
    assert 'name="username"' in html and 'name="password"' in html


@pytest.mark.parametrize(
    "who, heading",
    [
        ("clinician_a", "Hello, Lena"),
        ("manager_a", "Practice A"),
        ("network_admin", "Test network"),
    ],
)
def test_each_role_has_its_home_page(client, request, who, heading, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(who))
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_pages_send_security_headers(client):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
