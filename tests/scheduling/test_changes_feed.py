"""The changes feed (API.md, Sync): a first sync gives every appointment, then each
change once in its latest state, tombstones for deletions, opaque tokens (400 when not
ours, 410 when older than the kept history)."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from scheduling import sync
from scheduling.models import Appointment, AppointmentChange, ChangeHorizon
from tests.factories import PatientFactory
from tests.scheduling.sync_support import URL, Mirror, appointment_at, truth

# Committed writes: on PostgreSQL the feed reads only what every transaction has ended
# with, and a test's own enclosing transaction would never end.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def patient(clinician_a):
    return PatientFactory(practice=clinician_a.practice)


def test_a_first_sync_pages_through_every_appointment_then_follows_the_changes(
    api_a, clinician_a, patient, clinician_b
):
    made = [appointment_at(clinician_a, patient, slot) for slot in range(7)]
    appointment_at(clinician_b, PatientFactory(practice=clinician_b.practice), 0)  # not ours
    mirror = Mirror(api_a, limit=3)
    mirror.catch_up(clinician_a.practice)
    assert mirror.matches(clinician_a.practice)
    assert sorted(mirror.copy) == sorted(str(a.pk) for a in made)
    assert mirror.pages >= 4  # 3 + 3 + 1 (the walk), then the log: nothing new

    moved, cancelled, gone = made[0], made[1], made[2]
    moved.starts_at += timedelta(days=1)
    moved.ends_at += timedelta(days=1)
    moved.save()
    Appointment.objects.filter(pk=cancelled.pk).update(status="cancelled")
    gone_id = str(gone.pk)
    gone.delete()
    new = appointment_at(clinician_a, patient, 40)
    received = mirror.catch_up(clinician_a.practice)
    by_id = {change["id"]: change for change in received}
    # Those four, and (when another transaction of the cluster held the log's bound back
    # as the first sync began) replays of the walk's creations, as they stand.
    assert {str(moved.pk), str(cancelled.pk), gone_id, str(new.pk)} <= set(by_id)
    replayed = set(by_id) - {str(moved.pk), str(cancelled.pk), gone_id, str(new.pk)}
    assert all(by_id[pk] == mirror.copy[pk] and by_id[pk]["version"] == 1 for pk in replayed)
    assert by_id[gone_id] == {"id": gone_id, "deleted": True}
    assert by_id[str(cancelled.pk)]["status"] == "cancelled"
    assert by_id[str(moved.pk)]["version"] == 2
    assert mirror.matches(clinician_a.practice)
    again = mirror.catch_up(clinician_a.practice)  # at most what it holds, once more
    assert all(change == mirror.copy.get(change["id"], change) for change in again)


def test_an_appointment_changed_many_times_comes_once_in_its_latest_state(
    api_a, clinician_a, patient
):
    appointment = appointment_at(clinician_a, patient, 0)
    mirror = Mirror(api_a)
    mirror.catch_up(clinician_a.practice)
    for minutes in (5, 10, 15):
        appointment.starts_at += timedelta(minutes=minutes)
        appointment.ends_at += timedelta(minutes=minutes)
        appointment.save()
    received = mirror.catch_up(clinician_a.practice)
    assert received[-1] == truth(clinician_a.practice)[str(appointment.pk)]
    assert received[-1]["version"] == 4
    assert len(received) == 1 or received[0]["version"] == 1  # a replay of the first sync


def test_a_change_no_client_sees_is_not_a_change(api_a, clinician_a, patient):
    appointment = appointment_at(clinician_a, patient, 0)
    mirror = Mirror(api_a)
    mirror.catch_up(clinician_a.practice)
    appointment.reminder_sent_at = timezone.now()
    appointment.save(update_fields=["reminder_sent_at"])
    appointment.save()  # nothing changed
    assert all(change["version"] == 1 for change in mirror.catch_up(clinician_a.practice))
    assert AppointmentChange.objects.filter(appointment_id=appointment.pk).count() == 1
    assert Appointment.objects.get(pk=appointment.pk).version == 1


def test_the_version_cannot_be_set_back_from_a_stale_copy(clinician_a, patient):
    appointment = appointment_at(clinician_a, patient, 0)
    stale = Appointment.objects.get(pk=appointment.pk)
    appointment.status = "no_show"
    appointment.save()
    assert appointment.version == 2  # read back after the write
    stale.status = "scheduled"
    stale.save()
    assert Appointment.objects.get(pk=appointment.pk).version == 3
    assert stale.version == 3


@pytest.mark.parametrize(
    "since",
    [
        "nonsense",
        "x" * 1000,
        "eyJwIjoiMCIsIngiOjAsImkiOjB9:1xYmzq:forged",
        signing.dumps({"p": "0", "x": 0, "i": 0}, salt="another salt"),
    ],
    ids=["nonsense", "long", "forged", "signed-for-something-else"],
)
def test_a_token_that_is_not_ours_is_a_400_naming_since(api_a, since):
    response = api_a.get(URL, {"since": since})
    assert response.status_code == 400, response.content
    assert "since" in response.json()


def test_an_empty_since_is_a_first_sync(api_a, clinician_a):
    appointment = appointment_at(clinician_a, PatientFactory(practice=clinician_a.practice), 0)
    response = api_a.get(URL, {"since": ""})
    assert [c["id"] for c in response.json()["changes"]] == [str(appointment.pk)]


def test_a_token_with_a_nul_is_refused_before_it_is_read(api_a):
    assert api_a.get(URL, {"since": "a\x00b"}).status_code == 400


def test_another_practices_token_is_a_400(api_a, api_b, clinician_b):
    appointment_at(clinician_b, PatientFactory(practice=clinician_b.practice), 0)
    theirs = Mirror(api_b).sync().token
    assert api_a.get(URL, {"since": theirs}).status_code == 400


def test_a_token_older_than_the_kept_history_is_410_and_a_new_sync_works(
    api_a, clinician_a, patient
):
    appointment = appointment_at(clinician_a, patient, 0)
    mirror = Mirror(api_a)
    mirror.catch_up(clinician_a.practice)
    old_token = mirror.token
    appointment.status = "cancelled"
    appointment.save()
    ours = AppointmentChange.objects.filter(practice=clinician_a.practice)
    ours.update(at=timezone.now() - timedelta(days=31))
    assert _prune_once_visible() >= 2  # the creation and the cancellation
    assert not ours.exists()
    assert ChangeHorizon.objects.filter(practice=clinician_a.practice).exists()
    response = api_a.get(URL, {"since": old_token})
    assert response.status_code == 410
    assert response.json()["code"] == "sync_token_expired"
    fresh = Mirror(api_a)
    fresh.catch_up(clinician_a.practice)
    assert fresh.copy[str(appointment.pk)]["status"] == "cancelled"


def test_history_within_the_retention_is_kept(api_a, clinician_a, patient):
    appointment_at(clinician_a, patient, 0)
    mirror = Mirror(api_a)
    mirror.catch_up(clinician_a.practice)
    ours = AppointmentChange.objects.filter(practice=clinician_a.practice)
    ours.update(at=timezone.now() - timedelta(days=29))
    sync.prune()
    assert ours.exists()
    token = mirror.token
    assert api_a.get(URL, {"since": token}).status_code == 200


def _prune_once_visible(timeout: float = 60.0) -> int:
    """Prunes once the changes are below the log's bound (another test's transaction in
    the cluster may hold it back for a moment)."""
    deadline = time.monotonic() + timeout
    while not (removed := sync.prune()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return removed


@pytest.mark.parametrize("limit", ["0", "1001", "x", "-1"])
def test_a_limit_out_of_range_is_a_400(api_a, limit):
    response = api_a.get(URL, {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()


def test_a_network_admin_and_an_anonymous_client_are_refused(api_for, network_admin):
    assert api_for(None).get(URL).status_code == 401
    assert api_for(network_admin).get(URL).status_code == 403


def test_a_page_costs_the_same_queries_however_many_changes_it_carries(
    api_a, clinician_a, patient, django_assert_max_num_queries
):
    mirror = Mirror(api_a, limit=50)
    mirror.catch_up(clinician_a.practice)
    for slot in range(3):
        appointment_at(clinician_a, patient, slot)
    mirror.catch_up(clinician_a.practice)
    with django_assert_max_num_queries(8) as few:
        mirror.page()
    queries = len(few)  # now: the next request clears the connection's query log
    for slot in range(3, 40):
        appointment_at(clinician_a, patient, slot)
    mirror.catch_up(clinician_a.practice, timeout=0)  # waits for nothing: the query count
    with django_assert_max_num_queries(queries):
        mirror.page()
    assert len(truth(clinician_a.practice)) == 40
