"""A busy clinician's calendar feed (PostgreSQL): 20,000 appointments generated in SQL.
Eight a day, from five and a half years back to 500 days ahead, beside a colleague as
busy: the feed's window, its size and time to render, the cost of a poll that finds
nothing new (304, either validator), and what the whole history would weigh.

Run: `DATABASE_URL=postgres://... .venv/bin/python -m bench bench_ical`
(BENCH_REPEAT sets the samples per median of a full render, 7 by default).
"""

import os
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.clients import token_client
from scheduling.feed_contents import feed_appointments, feed_validators, feed_window
from scheduling.ical import clinician_calendar
from scheduling.models import Appointment
from tests.factories import ClinicianFactory, PatientFactory, PracticeFactory

REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
APPOINTMENTS = 20_000
PER_DAY = 8  # 30 minutes each from 08:00 UTC, every day
AHEAD_DAYS = 500  # the last one is this far ahead; the rest reach back about six years

# Each clinician's appointments with patients of their own (a patient is in one place
# at a time), the two calendars' rows interleaved in the table as days fill it. Past
# ones were last changed when they took place, future ones a day to 90 days ago (so
# that Last-Modified has settled); one in 13 cancelled, versions 1 to 3.
APPOINTMENTS_SQL = """
INSERT INTO scheduling_appointment (id, practice_id, patient_id, clinician_id, kind,
    starts_at, ends_at, status, cancellation_reason, cancellation_note, version,
    created_at, updated_at)
SELECT md5('ical' || c || '-' || n)::uuid, %(practice)s,
       (%(patients)s::uuid[])[1 + c * %(per_clinician)s + n %% %(per_clinician)s],
       (%(clinicians)s::uuid[])[1 + c],
       CASE WHEN n %% 3 = 0 THEN 'consultation' ELSE 'maintenance' END,
       at, at + interval '30 minutes',
       CASE WHEN n %% 13 = 0 THEN 'cancelled'
            WHEN at < %(now)s THEN 'completed' ELSE 'scheduled' END,
       CASE WHEN n %% 13 = 0 THEN 'practice' ELSE '' END, '', 1 + n %% 3,
       least(at, %(now)s) - interval '30 days',
       CASE WHEN at < %(now)s THEN at ELSE %(now)s - (1 + n %% 90 || ' days')::interval END
FROM generate_series(0, %(count)s - 1) AS n,
     generate_series(0, %(clinician_count)s - 1) AS c,
     LATERAL (SELECT %(last_day)s::timestamptz
                     - ((%(count)s - 1 - n) / %(per_day)s) * interval '1 day'
                     + (n %% %(per_day)s) * interval '30 minutes' AS at) AS slot
ORDER BY at, c
"""
PATIENTS_PER_CLINICIAN = 20


def _fill(practice, clinicians) -> None:
    """APPOINTMENTS for each of `clinicians`, in one statement."""
    patients = [
        PatientFactory(practice=practice) for _ in range(PATIENTS_PER_CLINICIAN * len(clinicians))
    ]
    now = timezone.now()
    last_day = (now + timedelta(days=AHEAD_DAYS)).replace(hour=8, minute=0, second=0, microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(
            APPOINTMENTS_SQL,
            {
                "practice": str(practice.pk),
                "clinicians": [str(c.pk) for c in clinicians],
                "clinician_count": len(clinicians),
                "patients": [str(p.pk) for p in patients],
                "per_clinician": PATIENTS_PER_CLINICIAN,
                "count": APPOINTMENTS,
                "per_day": PER_DAY,
                "last_day": last_day,
                "now": now,
            },
        )
        cursor.execute("VACUUM ANALYZE scheduling_appointment")


def _queries_and_answer(fn):
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    return len(ctx), response


def run(timed) -> None:
    if connection.vendor != "postgresql":
        print("skipped: needs PostgreSQL (DATABASE_URL=postgres://...)")
        return
    practice = PracticeFactory(name="Feed bench", slug="feed-bench")
    clinician = ClinicianFactory(practice=practice)
    # A colleague as busy: the feed reads one clinician's part of the table.
    _fill(practice, [clinician, ClinicianFactory(practice=practice)])
    total = Appointment.objects.filter(clinician=clinician).count()
    table = Appointment.objects.count()

    now = timezone.now()
    window = feed_window(now)
    rows = feed_appointments(clinician, window)
    in_feed = rows.count()
    body = clinician_calendar(clinician, rows)
    everything = Appointment.objects.filter(clinician=clinician).select_related("course__protocol")
    whole = clinician_calendar(clinician, everything)

    api = token_client(clinician)
    ics = f"/api/v1/clinicians/{clinician.pk}/calendar.ics"
    feed_url = api.get(f"/api/v1/clinicians/{clinician.pk}/").json()["feed_url"]
    subscriber = Client()
    first = subscriber.get(feed_url)
    assert first.status_code == 200 and first.content == body
    etag, last_modified = first["ETag"], first["Last-Modified"]

    def poll(client, url, **headers):
        def go():
            response = client.get(url, **headers)
            assert response.status_code == (304 if headers else 200), response.status_code
            return response

        return go

    print(f"appointments of the clinician: {total:,} (in the table: {table:,})")
    print(f"in the feed (window {window.since:%Y-%m-%d} to {window.until:%Y-%m-%d}): {in_feed:,}")
    print(f"feed bytes: {len(body):,}; the whole history would be {len(whole):,} bytes")
    print()
    print(f"{'answer':<42}{'queries':>8}{'median ms':>11}")
    cases = [
        ("feed_url 200 (full render)", poll(subscriber, feed_url), REPEAT),
        ("calendar.ics 200 (token, full render)", poll(api, ics), REPEAT),
        (
            "feed_url 304 (If-None-Match)",
            poll(subscriber, feed_url, HTTP_IF_NONE_MATCH=etag),
            50,
        ),
        (
            "feed_url 304 (If-Modified-Since)",
            poll(subscriber, feed_url, HTTP_IF_MODIFIED_SINCE=last_modified),
            50,
        ),
        ("calendar.ics 304 (If-None-Match)", poll(api, ics, HTTP_IF_NONE_MATCH=etag), 50),
    ]
    for name, fn, repeat in cases:
        queries, _ = _queries_and_answer(fn)
        print(f"{name:<42}{queries:>8}{timed(fn, repeat):>11.2f}")
    loaded = list(rows)
    parts = [
        ("  the validators' aggregate alone", lambda: feed_validators(clinician, window, now), 50),
        ("  the rows alone", lambda: list(feed_appointments(clinician, window)), REPEAT),
        (
            "  rendering alone (rows in memory)",
            lambda: clinician_calendar(clinician, loaded),
            REPEAT,
        ),
    ]
    for name, fn, repeat in parts:
        print(f"{name:<42}{'':>8}{timed(fn, repeat):>11.2f}")
    with CaptureQueriesContext(connection) as ctx:
        feed_validators(clinician, window, now)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + ctx.captured_queries[-1]["sql"])
        plan = [line for (line,) in cursor.fetchall()]
    print("\nEXPLAIN ANALYZE of the aggregate:")
    for line in plan:
        print("  " + line)
    print("\nEXPLAIN of the rows:")
    for line in rows.explain().splitlines():
        print("  " + line)
