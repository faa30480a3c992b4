"""The trust rules that a race could break, hit by 20 parallel requests on PostgreSQL: a
recovery code signs in once, and a user never holds more live tokens than the limit."""

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoplan.auth import second_factor, tokens
from tests.concurrency import race
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TOKEN_URL = "/api/v1/auth/token/"


def test_twenty_parallel_uses_of_one_recovery_code_give_one_token(clinician_a):
    TOTPDevice.objects.create(user=clinician_a, name="app", confirmed=True)
    code = second_factor.renew_recovery_codes(clinician_a)[0]

    def attempt():
        response = Client().post(
            TOKEN_URL,
            {"username": clinician_a.username, "password": PASSWORD, "otp": code},
            content_type="application/json",
        )
        return str(response.status_code)

    outcomes = race([attempt] * 20, {})
    assert sorted(outcomes) == ["200"] + ["401"] * 19, outcomes
    assert tokens.live_tokens().filter(user=clinician_a).count() == 1
    assert second_factor.remaining_recovery_codes(clinician_a) == 9


@override_settings(API_TOKEN_MAX_PER_USER=5)
def test_twenty_parallel_issues_leave_at_most_the_limit_live(clinician_a):
    outcomes = race(
        [lambda: tokens.issue_token(clinician_a, name="parallel").token.prefix] * 20, {}
    )
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert tokens.live_tokens().filter(user=clinician_a).count() == 5
