import pytest

from tests.factories import PASSWORD
from tests.journeys.conftest import shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_clinician_signs_in_and_sees_the_home_page(page, clinician_a):
    sign_in(page, "clin_a", PASSWORD)
    page.get_by_role("heading", name="Hello, Lena").wait_for()
    assert page.get_by_role("navigation", name="Main").is_visible()
    shoot(page, "home-clinician")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to MesoPlan").wait_for()


def test_wrong_password_shows_an_error(page, clinician_a):
    sign_in(page, "clin_a", "wrong")
    assert page.get_by_role("alert").is_visible()
