"""Issue 16.B.2: a practice keeps at least one active practice manager. One manager
cannot demote or deactivate the last other one (409), and two managers demoting or
deactivating each other at once leave one of them a manager (PostgreSQL: the trigger
and the practice's row lock)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mesoplan import staff
from mesoplan.errors import Conflict
from mesoplan.models import User
from tests.concurrency import race
from tests.factories import ManagerFactory


def active_managers(practice):
    return User.objects.filter(practice=practice, role="practice_manager", is_active=True)


@pytest.mark.django_db
def test_a_manager_may_demote_another_while_one_remains(manager_a, practice_a):
    other = ManagerFactory(practice=practice_a)
    staff.update_staff(actor=manager_a, member=other, role="clinician")
    assert list(active_managers(practice_a)) == [manager_a]


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"is_active": False}, {"role": "clinician"}])
def test_the_database_refuses_to_leave_a_practice_without_a_manager(manager_a, practice_a, change):
    """Whatever writes it (a script, the admin, a bug): the trigger refuses the row."""
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=manager_a.pk).update(**change)
    other = ManagerFactory(practice=practice_a)
    User.objects.filter(pk=manager_a.pk).update(**change)  # another remains: allowed
    assert list(active_managers(practice_a)) == [other]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("how", ["demote", "deactivate"])
def test_two_managers_removing_each_other_at_once_leave_one(manager_a, practice_a, how):
    other = ManagerFactory(practice=practice_a)

    def against(actor, member):
        def attempt():
            if how == "demote":
                staff.update_staff(actor=actor, member=member, role="clinician")
            else:
                staff.deactivate_staff(actor=actor, member=member)
            return "done"

        return attempt

    # The loser is refused by the rule (409) or, when the winner finished first, because
    # it is no longer an active manager itself (403, or 404 once deactivated).
    outcomes = race(
        [against(manager_a, other), against(other, manager_a)],
        {Conflict: "refused", PermissionDenied: "refused", Http404: "refused"},
    )
    assert sorted(outcomes) == ["done", "refused"], outcomes
    assert active_managers(practice_a).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_managers_deactivating_each_other_at_once_leave_at_least_one(manager_a, practice_a):
    """Twenty managers, each deactivating the next one round the ring, all at once: the
    practice keeps an active manager, and every refusal is a refusal, never a 500."""
    managers = [manager_a] + [ManagerFactory(practice=practice_a) for _ in range(19)]

    def attempt(actor, member):
        def run():
            staff.deactivate_staff(actor=actor, member=member)
            return "done"

        return run

    ring = [attempt(m, managers[(i + 1) % 20]) for i, m in enumerate(managers)]
    outcomes = race(ring, {Conflict: "refused", PermissionDenied: "refused", Http404: "refused"})
    assert set(outcomes) <= {"done", "refused"}, outcomes
    assert active_managers(practice_a).count() >= 1
