"""Sign-in attempts for one username are judged one after another.

django-axes reads the failures so far, checks the password, then records a failure: two
attempts at once both read "4 failures" and both get a try (20 parallel wrong passwords
had 9 checked, the limit being 5, and a right one among 19 wrong got a token; axes calls
it a known issue). Each attempt therefore runs in a transaction holding a lock on its
username (PostgreSQL: a transaction-level advisory lock on the case-folded name), so the
next attempt sees the failure the previous one recorded. SQLite writes one transaction
at a time anyway.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import connection, transaction

LOCK_NAMESPACE = "mesoplan.sign-in:"


@contextmanager
def one_attempt_at_a_time(username: str | None) -> Iterator[None]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))",
                    [LOCK_NAMESPACE + (username or "").casefold()],
                )
        yield


def authenticate_in_turn(request, *, username: str, password: str):
    """`django.contrib.auth.authenticate`, one attempt per username at a time."""
    with one_attempt_at_a_time(username):
        return authenticate(request, username=username, password=password)


class InTurnAuthenticationForm(AuthenticationForm):
    """The sign-in form, its check taken in turn with other attempts on the username."""

    def clean(self):
        # The refusal is raised once the transaction committed: raised inside, it would
        # roll back the failure axes just recorded, and the lock-out would never come.
        with one_attempt_at_a_time(self.data.get("username")):
            try:
                return super().clean()
            except ValidationError as exc:
                refusal = exc
        raise refusal
