"""The changes feed under concurrent writes, on PostgreSQL: writers that commit in the
reverse order of their start while a client syncs, and a mirror that follows random
bookings, moves, cancellations and deletions; the copy equals the database every time.

The contrast is in the first test: a reader that takes changes by a rising id (as by
`updated_at > since` or a sequence) skips the changes of transactions that committed
after a later one, and that test shows it does."""

import random
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction

from scheduling.models import Appointment, AppointmentChange
from tests.factories import PatientFactory
from tests.scheduling.sync_support import Mirror, appointment_at

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Writer(threading.Thread):
    """Moves one appointment a day later in its own transaction, then waits to commit."""

    def __init__(self, appointment_id) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.written = threading.Event()
        self.commit = threading.Event()
        self.committed = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                row = Appointment.objects.get(pk=self.appointment_id)
                row.starts_at += timedelta(days=1)
                row.ends_at += timedelta(days=1)
                row.save()
                self.written.set()
                assert self.commit.wait(30)
        except BaseException as error:  # reported by the test
            self.error = error
            self.written.set()
        finally:
            connection.close()
            self.committed.set()


def test_writers_committing_in_reverse_order_are_all_seen_and_an_id_reader_misses_some(
    api_a, clinician_a
):
    patient = PatientFactory(practice=clinician_a.practice)
    rows = [appointment_at(clinician_a, patient, slot) for slot in range(5)]
    mirror = Mirror(api_a)
    mirror.catch_up(clinician_a.practice)
    by_id_seen = AppointmentChange.objects.order_by("-id").values_list("id", flat=True).first()
    naive: set[str] = set()

    writers = [Writer(row.pk) for row in rows]
    for writer in writers:  # started one after another: their xids rise in this order
        writer.start()
        assert writer.written.wait(30)
    for writer in reversed(writers):  # ...and they commit the other way round
        writer.commit.set()
        assert writer.committed.wait(30)
        assert writer.error is None, writer.error
        mirror.page()
        for change in AppointmentChange.objects.filter(id__gt=by_id_seen).order_by("id"):
            naive.add(str(change.appointment_id))
            by_id_seen = change.id
    mirror.catch_up(clinician_a.practice)

    assert mirror.matches(clinician_a.practice)
    moved = {str(row.pk) for row in rows}
    assert {pk for pk, held in mirror.copy.items() if held["version"] == 2} == moved
    assert naive < moved, "the id-ordered reader should have skipped the early writers"


def test_a_mirror_stays_equal_under_random_concurrent_writes(api_a, clinician_a):
    practice = clinician_a.practice
    patients = [PatientFactory(practice=practice) for _ in range(4)]
    slots = iter(range(10_000))
    for _ in range(10):
        appointment_at(clinician_a, random.choice(patients), next(slots))
    mirror = Mirror(api_a, limit=7)
    mirror.catch_up(practice)
    stop = threading.Event()
    lock = threading.Lock()
    errors: list[BaseException] = []

    def write(seed: int) -> None:
        rng = random.Random(seed)
        try:
            while not stop.is_set():
                with transaction.atomic():
                    ids = list(
                        Appointment.objects.filter(practice=practice).values_list("pk", flat=True)
                    )
                    choice = rng.random()
                    if choice < 0.3 or not ids:
                        with lock:
                            slot = next(slots)
                        appointment_at(clinician_a, rng.choice(patients), slot)
                    else:
                        row = (
                            Appointment.objects.select_for_update()
                            .filter(pk=rng.choice(ids))
                            .first()
                        )
                        if row is None:
                            continue
                        if choice < 0.6:  # a new length, within its own half hour
                            longer = row.ends_at - row.starts_at < timedelta(minutes=25)
                            row.ends_at = row.starts_at + timedelta(minutes=25 if longer else 20)
                            row.save()
                        elif choice < 0.85:
                            row.status = "cancelled" if row.status != "cancelled" else "scheduled"
                            row.save()
                        else:
                            row.delete()
                    time.sleep(rng.random() / 50)  # hold the transaction: commits interleave
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        mirror.page()
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors, errors
    mirror.catch_up(practice)
    assert mirror.matches(practice)
    assert AppointmentChange.objects.filter(practice=practice).count() > 40  # it was busy
