"""What a signed-in person still owes before they may work: the second factor's code, a
new password in place of a temporary one, or setting up a required second factor. One
rule for the browser (mesoplan/auth/gate.py) and the API's token endpoint.
"""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    VERIFY = "otp_required"  # the code of the second factor, for this sign-in
    CHANGE_PASSWORD = "password_change_required"  # the temporary password goes first
    ENROL = "second_factor_enrolment_required"  # the account must have a second factor


MESSAGES = {
    Step.VERIFY: "Enter the code from your authenticator app or a recovery code.",
    Step.CHANGE_PASSWORD: "Choose a new password in place of the temporary one.",
    Step.ENROL: "Your practice asks for a second factor: set one up to continue.",
}


def next_sign_in_step(
    *, has_factor: bool, verified: bool, required: bool, must_change_password: bool
) -> Step | None:
    """The one step left, in the order they are taken: the code proves it is the account's
    owner, so it comes before anything is changed on the account.

    >>> next_sign_in_step(has_factor=True, verified=False, required=False, must_change_password=True)
    <Step.VERIFY: 'otp_required'>
    >>> next_sign_in_step(has_factor=False, verified=False, required=True, must_change_password=True)
    <Step.CHANGE_PASSWORD: 'password_change_required'>
    >>> next_sign_in_step(has_factor=False, verified=False, required=True, must_change_password=False)
    <Step.ENROL: 'second_factor_enrolment_required'>
    >>> print(next_sign_in_step(has_factor=True, verified=True, required=True, must_change_password=False))
    None
    """
    if has_factor and not verified:
        return Step.VERIFY
    if must_change_password:
        return Step.CHANGE_PASSWORD
    if required and not has_factor:
        return Step.ENROL
    return None
