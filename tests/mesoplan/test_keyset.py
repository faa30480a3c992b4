"""Cursor paging: every row exactly once however many share a name and birth date; a
page is a WHERE over an index, never OFFSET or COUNT; junk cursors are a 400."""

import base64
import datetime
import json
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mesoplan.keyset import (
    InvalidCursor,
    decode_cursor,
    encode_cursor,
    ordering_of,
    page_after,
    page_from_link,
)
from patients import services
from patients.models import Patient, Screening
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(practice_a):
    """Seven patients with the very same name and birth date, and a few others."""
    born = datetime.date(1980, 1, 1)
    same = [
        PatientFactory(practice=practice_a, first_name="Anna", last_name="Roth", date_of_birth=born)
        for _ in range(7)
    ]
    others = [PatientFactory(practice=practice_a, last_name=n) for n in ("Arnold", "Vogt", "Zorn")]
    return same + others


def test_the_order_always_ends_in_the_primary_key():
    assert ordering_of(Patient.objects.all()) == ("last_name", "first_name", "date_of_birth", "pk")
    assert ordering_of(Screening.objects.all()) == ("-created_at", "-pk")
    assert ordering_of(Patient.objects.order_by("-pk")) == ("-pk",)


def test_walking_the_api_yields_every_patient_exactly_once(api_a, twins):
    seen, url, pages = [], "/api/v1/patients/?page_size=2", 0
    while url:
        body = api_a.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
        assert "count" not in body
    assert sorted(seen) == sorted(str(p.pk) for p in twins)
    assert len(seen) == len(set(seen)) == 10 and pages == 5


def test_the_browser_list_walks_every_patient_once_too(browser_a, twins):
    seen, url, pages = [], "/patients/?size=3", 0
    while url:
        pages += 1
        response = browser_a.get(url)
        seen += [str(r.patient.pk) for r in response.context["rows"]]
        cursor = response.context["next_cursor"]
        url = f"/patients/?size=3&cursor={cursor}" if cursor else None
    assert sorted(seen) == sorted(str(p.pk) for p in twins)
    assert len(seen) == 10 and pages == 4


def test_a_deep_page_is_a_where_clause_not_offset_or_count(api_a, twins):
    first = api_a.get("/api/v1/patients/?page_size=2").json()
    deep = first
    for _ in range(3):
        deep = api_a.get(deep["next"]).json()
    with CaptureQueriesContext(connection) as ctx:
        api_a.get(deep["next"])
    sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert "OFFSET" not in sql and "COUNT(" not in sql


@pytest.mark.parametrize(
    "cursor", ["junk", "W10", "WyJhIl0", "bnVsbA", "WzEsMiwzLDRd", "WyJ4IiwieCIsIngiLCJ4Il0", "%00"]
)
def test_a_cursor_the_server_did_not_write_is_a_400(api_a, twins, cursor):
    response = api_a.get(f"/api/v1/patients/?cursor={cursor}")
    assert response.status_code == 400
    assert "cursor" in response.json() or "NUL" in response.json()["detail"]


def _forged(values) -> str:
    """A cursor shaped like ours (base64 of JSON), but not signed by the server."""
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        # A lone surrogate: before cursors were signed, the database driver failed to
        # encode it and the list answered 500.
        ["\ud800", "Anna", "1980-01-01", "00000000-0000-0000-0000-000000000000"],
        ["Roth\u0000", "Anna", "1980-01-01", "00000000-0000-0000-0000-000000000000"],
        ["Roth", "Anna", "1980-01-01", "00000000-0000-0000-0000-000000000000"],
    ],
)
def test_a_forged_cursor_is_a_400_whatever_it_carries(api_a, twins, values):
    response = api_a.get("/api/v1/patients/", {"cursor": _forged(values)})
    assert response.status_code == 400
    assert response.json() == {"cursor": ["The cursor is not one this server gave out."]}


def test_a_forged_history_cursor_past_64_bits_is_a_400(api_a, twins):
    """The history's cursor ends in an integer id: one past 64 bits failed in the driver."""
    cursor = _forged(["2000-01-01T00:00:00+00:00", str(2**70)])
    response = api_a.get(f"/api/v1/patients/{twins[0].pk}/history/", {"cursor": cursor})
    assert response.status_code == 400


def test_a_cursor_is_signed_for_its_own_list(twins):
    patients = ordering_of(Patient.objects.all())
    cursor = encode_cursor(twins[0], patients)
    by_birth = ("date_of_birth", "last_name", "first_name", "pk")
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, Patient, by_birth)
    tampered = cursor.replace(cursor.split(":")[0], _forged(["Aaron", "A", "1900-01-01", "x"]))
    with pytest.raises(InvalidCursor):
        decode_cursor(tampered, Patient, patients)


@pytest.mark.parametrize("size", ["0", "201", "x", "-1"])
def test_page_size_out_of_range_is_a_400(api_a, size):
    response = api_a.get(f"/api/v1/patients/?page_size={size}")
    assert response.status_code == 400 and "page_size" in response.json()


def test_cursor_round_trip_keeps_types(twins):
    ordering = ordering_of(Patient.objects.all())
    cursor = encode_cursor(twins[0], ordering)
    values = decode_cursor(cursor, Patient, ordering)
    assert values == [twins[0].last_name, "Anna", datetime.date(1980, 1, 1), twins[0].pk]
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, Screening, ordering_of(Screening.objects.all()))


def test_descending_lists_page_newest_first(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    made = [
        services.create_screening(actor=clinician_a, patient=patient, indication="skin")
        for _ in range(5)
    ]
    first = page_after(Screening.objects.filter(patient=patient), None, 2)
    second = page_after(Screening.objects.filter(patient=patient), first.next_cursor, 2)
    third = page_after(Screening.objects.filter(patient=patient), second.next_cursor, 2)
    walked = first.rows + second.rows + third.rows
    assert [s.pk for s in walked] == [
        s.pk for s in sorted(made, key=lambda s: (s.created_at, s.pk), reverse=True)
    ]
    assert third.next_cursor is None


@pytest.fixture
def grid(practice_a):
    """Patients sharing every combination of last name, first name and birth date, twice:
    each ordering field ties with its neighbours, so each must be compared in turn."""
    days = (datetime.date(1980, 1, 1), datetime.date(1990, 1, 1))
    return [
        PatientFactory(practice=practice_a, last_name=last, first_name=first, date_of_birth=day)
        for last in ("Aue", "Bach")
        for first in ("Anna", "Berta")
        for day in days
        for _ in range(2)
    ]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 16, 17])
@pytest.mark.parametrize("order", [(), ("-last_name", "first_name", "-date_of_birth")])
def test_walking_any_order_at_any_page_size_yields_each_row_once_in_order(grid, size, order):
    queryset = Patient.objects.order_by(*order) if order else Patient.objects.all()
    expected = list(queryset.order_by(*ordering_of(queryset)))
    walked, cursor, pages = [], None, 0
    while True:
        page = page_after(queryset, cursor, size)
        walked += page.rows
        pages += 1
        assert len(page.rows) <= size
        cursor = page.next_cursor
        if cursor is None:
            break
    assert walked == expected
    assert pages == max(1, -(-len(grid) // size))  # no empty last page


def test_cursors_are_url_safe_without_padding(grid):
    ordering = ordering_of(Patient.objects.all())
    for patient in grid:
        # base64url of the values, ":", the signature (base64url too)
        assert re.fullmatch(r"[A-Za-z0-9_-]+:[A-Za-z0-9_-]+", encode_cursor(patient, ordering))


def test_a_null_in_the_ordering_survives_the_cursor(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    screening = services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    assert screening.hair_loss_onset is None
    ordering = ("hair_loss_onset", "pk")
    cursor = encode_cursor(screening, ordering)
    assert decode_cursor(cursor, Screening, ordering) == [None, screening.pk]


@pytest.mark.parametrize(
    ("cursor", "message"),
    [
        ("junk!", "The cursor is not one this server gave out."),  # not base64
        ("WzEsMiwzLDRd", "The cursor is not one this server gave out."),  # [1,2,3,4]: no strings
        ("WyJ4IiwieCIsIngiLCJ4Il0", "The cursor is not one this server gave out."),  # bad date
        ("WyJhIl0", "The cursor is not one this server gave out."),  # ["a"], unsigned
    ],
)
def test_a_foreign_cursor_is_a_400_that_says_why(api_a, cursor, message):
    response = api_a.get(f"/api/v1/patients/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json() == {"cursor": [message]}


def test_a_cursor_must_name_fields_of_the_model():
    cursor = encode_cursor(Patient(last_name="Roth"), ("last_name",))
    with pytest.raises(InvalidCursor) as refused:
        decode_cursor(cursor, Patient, ("no_such_field",))
    assert str(refused.value) == "The cursor is not one this server gave out."


def test_every_cursor_decodes_to_the_values_it_was_made_from():
    """Rows of every length, so the cursors' base64 needs 0, 1 and 2 '=' of padding (which
    the cursor drops and decoding restores)."""
    ordering = ("last_name", "first_name", "date_of_birth", "pk")
    paddings = set()
    for n in range(400):
        row = Patient(
            pk=uuid.UUID(int=n * 7919),
            last_name="R" * (n % 5) + f"oth{n}",
            first_name=f"A{n * 31}",
            date_of_birth=datetime.date(1950, 1, 1) + datetime.timedelta(days=n * 37),
        )
        cursor = encode_cursor(row, ordering)
        paddings.add(-len(cursor) % 4)
        values = [row.last_name, row.first_name, row.date_of_birth, row.pk]
        assert decode_cursor(cursor, Patient, ordering) == values
    assert paddings == {0, 1, 2}


def test_a_browser_link_with_a_stale_cursor_starts_again_at_the_top(twins):
    patients = Patient.objects.all()
    first_cursor, first = page_from_link(patients, None, 3)
    _, second = page_from_link(patients, first.next_cursor, 3)
    assert first_cursor is None and second.rows[0] not in first.rows
    # The same cursor is kept when it reads; an edited one answers the first page, no 400.
    kept, again = page_from_link(patients, first.next_cursor, 3)
    assert kept == first.next_cursor and again.rows == second.rows
    edited, restarted = page_from_link(patients, first.next_cursor[:-2] + "zz", 3)
    assert edited is None and restarted.rows == first.rows
