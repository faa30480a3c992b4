"""The order of the steps after the password (mesoplan/auth/steps.py), over every case."""

from itertools import product

import pytest

from mesoplan.auth.steps import Step, next_sign_in_step

CASES = list(product([False, True], repeat=4))


@pytest.mark.parametrize(("has_factor", "verified", "required", "must_change"), CASES)
def test_nothing_is_owed_only_when_everything_is_settled(
    has_factor, verified, required, must_change
):
    step = next_sign_in_step(
        has_factor=has_factor,
        verified=verified,
        required=required,
        must_change_password=must_change,
    )
    settled = (verified or not has_factor) and not must_change and (has_factor or not required)
    assert (step is None) == settled


@pytest.mark.parametrize(("required", "must_change"), product([False, True], repeat=2))
def test_the_code_comes_before_any_change_to_the_account(required, must_change):
    """A stolen password alone must not reach the password change or the set-up."""
    step = next_sign_in_step(
        has_factor=True, verified=False, required=required, must_change_password=must_change
    )
    assert step is Step.VERIFY


def test_a_temporary_password_is_replaced_before_a_second_factor_is_set_up():
    step = next_sign_in_step(
        has_factor=False, verified=False, required=True, must_change_password=True
    )
    assert step is Step.CHANGE_PASSWORD
