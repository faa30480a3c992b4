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
