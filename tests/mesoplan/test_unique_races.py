"""Issue 16.B.1/2: every unique a user can race answers a form error, not a 500. Parallel
creation of one username (in any case) leaves one account; parallel identical closures
leave one closure per day. On PostgreSQL the threads really race; the case-insensitive
unique is the database's on both."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from mesoplan import staff
from mesoplan.errors import InvalidInput
from mesoplan.models import User
from scheduling import calendar_settings
from scheduling.models import Closure
from tests.concurrency import race


def test_the_database_refuses_a_username_that_differs_only_in_case(db, practice_a):
    User.objects.create(username="lena.roth", practice=practice_a, role="clinician")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Lena.Roth", practice=practice_a, role="clinician")


def test_creating_a_taken_username_in_another_case_is_a_form_error(db, manager_a):
    staff.create_staff(
        actor=manager_a, username="lena.roth", first_name="L", last_name="R", role="clinician"
    )
    with pytest.raises(InvalidInput) as refused:
        staff.create_staff(
            actor=manager_a, username="LENA.ROTH", first_name="L", last_name="R", role="clinician"
        )
    assert refused.value.errors == {"username": ["This username is already taken."]}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_creation_of_one_username_leaves_one_account(manager_a):
    # Twenty at once, in every case a hand can type.
    cases = ["nina.berg", "Nina.Berg", "NINA.BERG", "Nina.berg", "nina.Berg"]
    names = [cases[i % len(cases)] for i in range(20)]

    def attempt(name):
        return lambda: (
            staff.create_staff(
                actor=manager_a, username=name, first_name="N", last_name="B", role="clinician"
            )
            and "created"
        )

    outcomes = race([attempt(n) for n in names], {InvalidInput: "taken"})
    assert sorted(outcomes) == ["created"] + ["taken"] * 19, outcomes
    assert User.objects.filter(username__iexact="nina.berg").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_identical_closures_leave_one_per_day(manager_a):
    def attempt():
        calendar_settings.add_closures(
            actor=manager_a, first=date(2026, 12, 24), last=date(2026, 12, 26), reason="Holidays"
        )
        return "closed"

    outcomes = race([attempt] * 20, {})
    assert outcomes == ["closed"] * 20, outcomes
    assert Closure.objects.count() == 3
