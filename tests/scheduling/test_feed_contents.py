"""What a calendar feed holds: 90 days back to 18 months ahead of its UTC day, cancelled
appointments for 30 days and not once their day is over; read in a constant number of
queries along the clinician's start-time index; no patient name in the private feed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling.feed_contents import (
    AHEAD,
    PAST,
    feed_appointments,
    feed_validators,
    feed_window,
)
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling import feed_support as feed
from tests.scheduling.test_course_booking import book

pytestmark = pytest.mark.django_db

DAY = feed.NOW.replace(hour=0)


def shown(api, clinician, when) -> dict:
    with feed.at(when):
        response = api.get(feed.ics_url(clinician))
    assert response.status_code == 200
    return feed.events(response.content)


def test_the_window_runs_from_90_days_back_to_18_months_ahead_of_the_day(
    api_a, clinician_a, ready_patient
):
    since, until, day = DAY - PAST, DAY + AHEAD, timedelta(days=1)
    made = since - timedelta(days=10)
    rows = {
        "ends at the start": feed.appointment(clinician_a, ready_patient, since - timedelta(minutes=30), made=made),
        "over the next day's start": feed.appointment(clinician_a, ready_patient, since + day - timedelta(minutes=10), made=made),
        "ends at the end": feed.appointment(clinician_a, ready_patient, until - timedelta(minutes=30), made=made),
        "starts at the end": feed.appointment(clinician_a, ready_patient, until, made=made),
    }  # fmt: skip
    ids = {name: str(row.pk) for name, row in rows.items()}

    def found(when) -> set:
        return {name for name, pk in ids.items() if pk in shown(api_a, clinician_a, when)}

    for when in (feed.NOW, DAY + timedelta(hours=23, minutes=59)):  # the whole UTC day
        assert found(when) == {"over the next day's start", "ends at the end"}, when
    assert found(feed.NOW - day) == {"ends at the start", "over the next day's start"}
    assert found(feed.NOW + day) == {
        "over the next day's start",
        "ends at the end",
        "starts at the end",
    }


def test_a_cancelled_appointment_is_shown_cancelled_for_30_days_then_gone(
    api_a, clinician_a, ready_patient
):
    row = feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=60))
    feed.cancel(row, when=feed.NOW + timedelta(hours=1))
    for days in (0, 1, 30):
        event = shown(api_a, clinician_a, feed.NOW + timedelta(days=days, hours=2))[str(row.pk)]
        assert str(event["status"]) == "CANCELLED" and event.decoded("sequence") == 1
    assert str(row.pk) not in shown(api_a, clinician_a, feed.NOW + timedelta(days=31, hours=2))


def test_a_cancelled_appointment_is_gone_once_its_day_is_over(api_a, clinician_a, ready_patient):
    """Its day as the feed counts days (UTC): a cancelled morning is still shown in the
    evening, and gone the day after; a kept appointment stays."""
    starts = DAY + timedelta(days=2, hours=9)
    row = feed.appointment(clinician_a, ready_patient, starts)
    kept = feed.appointment(clinician_a, ready_patient, starts + timedelta(hours=1))
    feed.cancel(row, when=feed.NOW + timedelta(hours=1))
    assert str(row.pk) in shown(api_a, clinician_a, starts + timedelta(hours=12))
    found = shown(api_a, clinician_a, starts + timedelta(hours=15))
    assert str(row.pk) not in found and str(kept.pk) in found


def _fill(clinician, patients, numbers: range) -> None:
    """Consultations number `numbers`, a third of them cancelled, an hour apart."""
    for n in numbers:
        row = feed.appointment(
            clinician, patients[n % len(patients)], feed.NOW + timedelta(days=3, hours=n)
        )
        if n % 3 == 0:
            feed.cancel(row, when=feed.NOW + timedelta(seconds=1 + n))


def test_both_feeds_read_a_constant_number_of_queries_however_full(
    api_a, client, clinician_a, ready_patient
):
    book(api_a, ready_patient, clinician_a)  # a course: its protocol names the events
    patients = [PatientFactory(practice=clinician_a.practice) for _ in range(3)]
    with feed.at(feed.NOW + timedelta(days=1)):
        feed_url = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/").json()["feed_url"]
    counts = []
    for numbers in (range(2), range(2, 40)):
        _fill(clinician_a, patients, numbers)
        sizes = []
        for reader, url in ((api_a, feed.ics_url(clinician_a)), (client, feed_url)):
            with feed.at(feed.NOW + timedelta(days=1)):
                with CaptureQueriesContext(connection) as full:
                    response = reader.get(url)
                assert response.status_code == 200
                with CaptureQueriesContext(connection) as cached:
                    again = reader.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
                assert again.status_code == 304
            sizes.append((len(full), len(cached), len(feed.events(response.content))))
        counts.append(sizes)
    (ics_small, feed_small), (ics_large, feed_large) = counts
    assert ics_small[:2] == ics_large[:2] and feed_small[:2] == feed_large[:2], counts
    assert (ics_small[2], ics_large[2]) == (10, 48)  # 8 sessions and the consultations
    # The private feed: the clinician, the aggregate, the rows; a 304 skips the rows.
    assert feed_large[:2] == (3, 2), counts
    assert ics_large[1] == ics_large[0] - 1


def test_the_private_feed_shows_no_patient_name(api_a, client, clinician_a, ready_patient):
    book(api_a, ready_patient, clinician_a)
    row = feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=1))
    feed.cancel(row, when=feed.NOW + timedelta(minutes=1))
    with feed.at(feed.NOW + timedelta(hours=1)):
        feed_url = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/").json()["feed_url"]
        body = client.get(feed_url).content.decode()
    assert len(feed.events(body.encode())) == 9
    for name in (ready_patient.first_name, ready_patient.last_name, ready_patient.email):
        assert name not in body


def test_another_clinicians_appointments_are_not_in_the_feed(api_a, clinician_a, ready_patient):
    colleague = ClinicianFactory(practice=clinician_a.practice)
    theirs = feed.appointment(colleague, ready_patient, feed.NOW + timedelta(days=1))
    mine = feed.appointment(clinician_a, ready_patient, feed.NOW + timedelta(days=2))
    assert set(shown(api_a, clinician_a, feed.NOW)) == {str(mine.pk)}
    assert str(theirs.pk) not in shown(api_a, clinician_a, feed.NOW)


FILL_SQL = """
INSERT INTO scheduling_appointment (id, practice_id, patient_id, clinician_id, kind,
    starts_at, ends_at, status, cancellation_reason, cancellation_note, version,
    created_at, updated_at)
SELECT gen_random_uuid(), %(practice)s, %(patient)s, %(clinician)s, 'consultation',
       at, at + interval '20 minutes',
       CASE WHEN n %% 17 = 0 THEN 'cancelled' ELSE 'scheduled' END, '', '', 1, at, at
FROM generate_series(0, %(count)s - 1) AS n,
     LATERAL (SELECT %(first)s::timestamptz + n * interval '1 day' AS at) AS slot
"""


@pytest.mark.postgres
def test_postgres_reads_the_feed_and_its_validators_along_the_start_time_index(
    clinician_a, ready_patient
):
    """Ten years of one appointment a day for each of three clinicians: the feed's query
    and the aggregate of a conditional GET both read a range of the clinician's
    (clinician, starts_at) index, not the table."""
    colleagues = [ClinicianFactory(practice=clinician_a.practice) for _ in range(2)]
    with connection.cursor() as cursor:
        for index, clinician in enumerate([clinician_a, *colleagues]):
            patient = ready_patient if index == 0 else PatientFactory(practice=clinician.practice)
            cursor.execute(
                FILL_SQL,
                {
                    "practice": clinician.practice_id,
                    "patient": patient.pk,
                    "clinician": clinician.pk,
                    "count": 3650,
                    "first": datetime(2019, 1, 1, 8 + index, tzinfo=UTC),
                },
            )
        cursor.execute("ANALYZE scheduling_appointment")
    window = feed_window(feed.NOW)
    rows = feed_appointments(clinician_a, window)
    with CaptureQueriesContext(connection) as validators:
        feed_validators(clinician_a, window, feed.NOW)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + validators.captured_queries[-1]["sql"])
        aggregate = "\n".join(line for (line,) in cursor.fetchall())
    for plan in (rows.explain(), aggregate):
        assert "appointment_clinician_idx" in plan, plan
        assert "Seq Scan on scheduling_appointment" not in plan, plan
    assert 600 < rows.count() < 700  # 90 + 548 days: a fraction of the 3,650
