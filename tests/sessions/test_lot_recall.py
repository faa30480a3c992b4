"""A lot's recall (API.md "Product lots"): exactly the sessions that received the lot, with
whom to contact, a session only an earlier version named kept and flagged, the linked
adverse events; in cursor pages with constant queries, as CSV safe from spreadsheet
formulas, and audited."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from mesoplan.models import AuditEntry
from sessions import adverse_events, lot_recall
from sessions.lot_recall import csv_cell, patients_digest
from tests.factories import PatientFactory
from tests.sessions.lot_support import amend_to, record, recorded_sessions
from tests.sessions.recording_support import booked_course, lot

pytestmark = pytest.mark.django_db


@pytest.fixture
def boxes(clinician_a):
    practice = clinician_a.practice
    return {n: lot(practice, clinician_a, n) for n in ("L-100", "L-200", "L-300")}


def recipients(api, box, **params):
    response = api.get(reverse("lot-recipients", args=[box.pk]), params)
    assert response.status_code == 200, response.json()
    return response.json()


def test_the_recall_lists_exactly_the_sessions_that_used_the_lot(api_a, clinician_a, boxes):
    greta = PatientFactory(practice=clinician_a.practice, first_name="Greta", last_name="Vogel")
    paul = PatientFactory(practice=clinician_a.practice, first_name="Paul", last_name="Ernst")
    ida = PatientFactory(practice=clinician_a.practice, first_name="Ida", last_name="Brandt")
    first, second = recorded_sessions(clinician_a, 2, "L-100", patient=greta)
    mixed = recorded_sessions(clinician_a, 1, "L-200", "L-100", patient=paul)[0]
    recorded_sessions(clinician_a, 1, "L-200", patient=ida)  # another lot only
    body = recipients(api_a, boxes["L-100"])
    rows = {row["session_record"]: row for row in body["results"]}
    assert set(rows) == {str(first.pk), str(second.pk), str(mixed.pk)}
    assert body["next"] is None
    row = rows[str(mixed.pk)]
    assert row["patient"] == {
        "id": str(paul.pk),
        "first_name": "Paul",
        "last_name": "Ernst",
        "date_of_birth": paul.date_of_birth.isoformat(),
        "phone": str(paul.phone),
        "email": paul.email,
    }
    assert row["appointment"] == str(mixed.appointment_id)
    assert row["clinician"] == str(clinician_a.pk)
    assert row["regions"] == ["forehead"]
    assert Decimal(row["volume_ml"]) == Decimal("0.5")  # the nappage pass only: L-200 first
    assert row["in_current_version"] is True and row["version"] == 1
    assert Decimal(rows[str(first.pk)]["volume_ml"]) == Decimal("1.0")


def test_a_session_only_an_earlier_version_named_stays_listed_and_flagged(
    api_a, clinician_a, boxes
):
    session = recorded_sessions(clinician_a, 1, "L-100")[0]
    amend_to(clinician_a, session, "L-200")
    old = recipients(api_a, boxes["L-100"])["results"]
    assert [(r["session_record"], r["in_current_version"], r["version"]) for r in old] == [
        (str(session.pk), False, 1)
    ]
    assert Decimal(old[0]["volume_ml"]) == Decimal("1.0")
    new = recipients(api_a, boxes["L-200"])["results"]
    assert [(r["in_current_version"], r["version"], r["volume_ml"]) for r in new] == [
        (True, 2, "0.500")
    ]


def test_adverse_events_linked_to_the_lot_show_with_their_current_outcome(
    api_a, clinician_a, boxes
):
    session = recorded_sessions(clinician_a, 1, "L-100", "L-200")[0]
    onset = timezone.now() - timedelta(minutes=1)
    reaction = adverse_events.record_adverse_event(
        actor=clinician_a,
        session_record=session,
        type="allergic_reaction",
        severity="moderate",
        onset_at=onset,
        outcome="recovering",
        lot_ids=[boxes["L-100"].pk],
    )
    adverse_events.follow_up_adverse_event(actor=clinician_a, event=reaction, outcome="recovered")
    adverse_events.record_adverse_event(
        actor=clinician_a,
        session_record=session,
        type="haematoma",
        severity="mild",
        onset_at=onset,
        outcome="recovering",
        lot_ids=[boxes["L-200"].pk],
    )
    events = recipients(api_a, boxes["L-100"])["results"][0]["adverse_events"]
    assert [(e["id"], e["outcome"], e["current_outcome"]) for e in events] == [
        (str(reaction.pk), "recovering", "recovered")
    ]
    other = recipients(api_a, boxes["L-200"])["results"][0]["adverse_events"]
    assert [e["type"] for e in other] == ["haematoma"]


def csv_body(response) -> str:
    """A streamed CSV answer read to its end."""
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_viewing_and_exporting_the_recall_are_audited(api_a, clinician_a, boxes):
    """A page of the recall lists its patients; the export says what it sent without
    listing them (issue 16: a 310 KB row per export at a network's size): the lot, how
    many sessions and patients, and the digest of the patients' ids."""
    session = recorded_sessions(clinician_a, 1, "L-100")[0]
    recipients(api_a, boxes["L-100"])
    csv_body(api_a.get(reverse("lot-recipients-csv", args=[boxes["L-100"].pk])))
    view, export = AuditEntry.objects.filter(object_id=str(boxes["L-100"].pk)).order_by("pk")
    assert view.action == "lot.recall_view"
    assert view.details["patients"] == [str(session.patient_id)]
    assert export.action == "lot.recall_export"
    assert export.summary == "Lot L-100: 1 sessions exported"
    assert export.details == {
        "lot_number": "L-100",
        "sessions": 1,
        "patients": 1,
        "patients_sha256": patients_digest([session.patient_id]),
    }


def test_the_export_streams_row_by_row_in_chunks(
    api_a, clinician_a, boxes, monkeypatch, django_assert_max_num_queries
):
    """The first piece sent is the header, then one line per session; the records are
    read EXPORT_CHUNK at a time (here 2: three rounds for five sessions), and the audit
    entry is written before the first byte, with the digest of exactly the patients sent."""
    monkeypatch.setattr(lot_recall, "EXPORT_CHUNK", 2)
    sessions = recorded_sessions(clinician_a, 3, "L-100")
    sessions += recorded_sessions(clinician_a, 2, "L-100")
    url = reverse("lot-recipients-csv", args=[boxes["L-100"].pk])
    # token, practice, lot; the patients' ids, the audit entry; then per chunk of two:
    # records, passes, amendments, events (and no follow-ups to read)
    with django_assert_max_num_queries(5 + 3 * 4 + 1):
        response = api_a.get(url)
        assert AuditEntry.objects.filter(action="lot.recall_export").count() == 1
        pieces = [piece.decode() for piece in response.streaming_content]
    assert pieces[0] == ",".join(lot_recall.CSV_HEADER) + "\r\n"
    assert len(pieces) == 1 + 5 and all(p.count("\r\n") == 1 for p in pieces)
    rows = list(csv.DictReader(io.StringIO("".join(pieces))))
    assert sorted(r["session_record_id"] for r in rows) == sorted(str(s.pk) for s in sessions)
    export = AuditEntry.objects.get(action="lot.recall_export")
    patients = {r["patient_id"] for r in rows}
    assert export.details["patients_sha256"] == patients_digest(patients)
    assert (export.details["sessions"], export.details["patients"]) == (5, len(patients))


def test_pages_walk_every_session_once(api_a, clinician_a, boxes):
    sessions = recorded_sessions(clinician_a, 5, "L-100")
    seen, url = [], reverse("lot-recipients", args=[boxes["L-100"].pk]) + "?page_size=2"
    while url:
        body = api_a.get(url).json()
        seen += [row["session_record"] for row in body["results"]]
        url = body["next"]
    assert sorted(seen) == sorted(str(s.pk) for s in sessions)
    assert len(seen) == 5


@pytest.mark.parametrize("count", [1, 6])
def test_the_recall_runs_constant_queries(
    api_a, clinician_a, boxes, count, django_assert_max_num_queries
):
    sessions = recorded_sessions(clinician_a, count, "L-100")
    for session in sessions:
        adverse_events.record_adverse_event(
            actor=clinician_a,
            session_record=session,
            type="swelling",
            severity="mild",
            onset_at=timezone.now(),
            outcome="recovering",
        )
    amend_to(clinician_a, sessions[0], "L-200")
    url = reverse("lot-recipients", args=[boxes["L-100"].pk])
    # token, practice, lot; records, passes, amendments, events, follow-ups; audit entry
    with django_assert_max_num_queries(9):
        assert len(api_a.get(url).json()["results"]) == count
    # the export: token, practice, lot; patients' ids, audit entry; records, passes,
    # amendments, events, follow-ups (one chunk)
    with django_assert_max_num_queries(10):
        body = csv_body(api_a.get(reverse("lot-recipients-csv", args=[boxes["L-100"].pk])))
    assert body.count("\r\n") == 1 + count


def test_managers_read_the_recall_network_admins_do_not(api_for, manager_a, network_admin, boxes):
    url = reverse("lot-recipients", args=[boxes["L-100"].pk])
    assert api_for(manager_a).get(url).status_code == 200
    assert api_for(network_admin).get(url).status_code == 403
    csv_url = reverse("lot-recipients-csv", args=[boxes["L-100"].pk])
    assert api_for(network_admin).get(csv_url).status_code == 403


def test_the_csv_holds_one_row_per_session_and_escapes_formulas(api_a, clinician_a, boxes):
    sly = PatientFactory(
        practice=clinician_a.practice,
        first_name='=HYPERLINK("http://evil.example")',
        last_name="@SUM(A1:A9)",
        email="-2+3@example.org",
    )
    course = booked_course(clinician_a, patient=sly)
    session = record(clinician_a, course.appointments.order_by("sequence").first(), "L-100")
    response = api_a.get(reverse("lot-recipients-csv", args=[boxes["L-100"].pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="lot-L-100-recipients.csv"'
    rows = list(csv.reader(io.StringIO(csv_body(response))))
    header, data = rows[0], rows[1:]
    assert len(data) == 1
    row = dict(zip(header, data[0], strict=True))
    assert row["first_name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["last_name"] == "'@SUM(A1:A9)"
    assert row["email"] == "'-2+3@example.org"
    assert row["phone"] == "'" + str(sly.phone)  # "+49...": a formula to a spreadsheet
    assert row["session_record_id"] == str(session.pk)
    assert row["appointment_id"] == str(session.appointment_id)
    assert row["date_of_birth"] == sly.date_of_birth.isoformat()
    assert row["regions"] == "forehead" and row["volume_ml"] == "1.000"
    assert row["in_current_version"] == "yes"
    assert row["clinician"] == clinician_a.display_name


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Vogel", "Vogel"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_csv_cells_never_start_a_formula(value, cell):
    assert csv_cell(value) == cell


def test_the_export_reads_each_row_as_the_recall_does(api_a, clinician_a, boxes):
    """The export reads plain rows, not the recall's records (issue 16: 68,573 model
    instances for one lot): every cell is what recipient_of and describe_event make of
    the same sessions, corrected ones and current outcomes included."""
    sessions = recorded_sessions(clinician_a, 3, "L-100", "L-200", regions=("forehead", "chin"))
    amend_to(clinician_a, sessions[0], "L-200")  # L-100 only in an earlier version
    amend_to(clinician_a, sessions[1], "L-100")
    for n, session in enumerate(sessions[:2]):
        event = adverse_events.record_adverse_event(
            actor=clinician_a,
            session_record=session,
            type="swelling",
            severity="moderate",
            onset_at=timezone.now() - timedelta(minutes=5 - n),
            outcome="recovering",
            lot_ids=[boxes["L-100"].pk],
        )
        if n:
            adverse_events.follow_up_adverse_event(
                actor=clinician_a, event=event, outcome="recovered"
            )
    zone = lot_recall.practice_zone(clinician_a.practice)
    expected = [
        [
            csv_cell(value)
            for value in (
                r.patient.pk,
                r.patient.last_name,
                r.patient.first_name,
                r.patient.date_of_birth.isoformat(),
                r.patient.phone,
                r.patient.email,
                r.record.pk,
                r.record.appointment_id,
                timezone.localtime(r.performed_at, zone).isoformat(),
                r.record.performed_by.display_name,
                " ".join(r.regions),
                r.volume_ml,
                "yes" if r.in_current_version else "no",
                "; ".join(lot_recall.describe_event(e, zone) for e in r.adverse_events),
            )
        ]
        for r in lot_recall.recipients_of(lot_recall.recipient_records(clinician_a, boxes["L-100"]))
    ]
    body = csv_body(api_a.get(reverse("lot-recipients-csv", args=[boxes["L-100"].pk])))
    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert rows == expected
    assert {row[12] for row in rows} == {"yes", "no"}
    assert any("recovered" in row[13] for row in rows) and any(
        "recovering" in row[13] for row in rows
    )
