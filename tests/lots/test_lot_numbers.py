"""Lot numbers that mean one box (issue 15.6): one folding (Unicode case folding and
NFKC) decides identity in Python and, through the stored key, in the database, on SQLite
and PostgreSQL alike; invisible characters are refused, so a look-alike is the same lot
or refused and a recall finds every session that received the box."""

import pytest
from django.db import IntegrityError, transaction

from lots import services
from lots.lot_numbers import UnreadableLotNumber, lot_key, lot_number
from lots.models import ProductLot
from mesoplan.errors import InvalidInput
from sessions import lot_recall
from tests.sessions.lot_support import record
from tests.sessions.recording_support import booked_course

DOTTED_I = "\u0130"  # İ: Python lower-cases it to i + U+0307, PostgreSQL to a plain i
COMBINING_DOT = "i\u0307"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("STRAßE-1", "STRASSE-1"),
        (f"{DOTTED_I}X-1", f"{COMBINING_DOT}x-1"),
        ("\uff2d\uff2c-\uff12\uff16", "ml-26"),  # full-width letters and digits
        ("ab 12", "AB12"),
    ],
)
def test_look_alikes_are_one_key(one, other):
    assert lot_key(one) == lot_key(other)


@pytest.mark.parametrize("text", ["ML\u200d-HAU-A", "A\u202eB-1", "L\u2066-100\u2069", "X\x07Y"])
def test_invisible_characters_are_refused(text):
    with pytest.raises(UnreadableLotNumber):
        lot_number(text)


def test_a_plain_i_stays_another_letter():
    assert lot_key("IX-1") != lot_key(f"{DOTTED_I}X-1")


def register(actor, number, formulation="mesolift"):
    from datetime import timedelta

    from mesoplan.clock import practice_today

    return services.register_lot(
        actor=actor,
        formulation_code=formulation,
        lot_number=number,
        expires_on=practice_today(actor.practice) + timedelta(days=300),
    )


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("first", "second"),
    [("STRAßE-1", "STRASSE-1"), (f"{DOTTED_I}X-1", f"{COMBINING_DOT}x-1"), ("ML-1", "ml-1")],
)
def test_a_look_alike_is_refused_as_the_lot_already_registered(clinician_a, first, second):
    register(clinician_a, first)
    with pytest.raises(InvalidInput) as refused:
        register(clinician_a, second)
    assert "already registered" in refused.value.errors["lot_number"][0]
    assert ProductLot.objects.count() == 1


def test_an_invisible_character_is_a_400_naming_it(clinician_a):
    with pytest.raises(InvalidInput) as refused:
        register(clinician_a, "ML\u200d-HAU-A")
    assert "ZERO WIDTH JOINER" in refused.value.errors["lot_number"][0]
    assert not ProductLot.objects.exists()


def test_the_database_holds_one_box_per_key(clinician_a):
    register(clinician_a, "STRAßE-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductLot.objects.create(
            practice=clinician_a.practice,
            formulation_id=ProductLot.objects.get().formulation_id,
            lot_number="STRASSE-1",
            expires_on=ProductLot.objects.get().expires_on,
            created_by=clinician_a,
        )


def test_a_session_naming_a_dotted_i_lot_finds_that_box_and_its_recall_lists_it(clinician_a):
    box = register(clinician_a, f"{DOTTED_I}Y-2")
    course = booked_course(clinician_a)
    session = record(clinician_a, course.appointments.get(sequence=1), f"{DOTTED_I}Y-2")
    assert {p.lot_id for p in session.passes.all()} == {box.pk}
    recalled = lot_recall.recipients_of(lot_recall.recipient_records(clinician_a, box))
    assert [r.record.pk for r in recalled] == [session.pk]


def test_a_pass_naming_the_look_alike_spelling_is_the_same_box(clinician_a):
    box = register(clinician_a, "STRAßE-1")
    course = booked_course(clinician_a)
    session = record(clinician_a, course.appointments.get(sequence=1), "strasse-1")
    assert {p.lot_id for p in session.passes.all()} == {box.pk}


def test_a_pass_with_an_invisible_character_is_a_400_on_that_pass(clinician_a):
    register(clinician_a, "ML-HAU-A")
    course = booked_course(clinician_a)
    with pytest.raises(InvalidInput) as refused:
        record(clinician_a, course.appointments.get(sequence=1), "ML\u200d-HAU-A")
    problems = [p["product_lot"][0] for p in refused.value.errors["passes"].values()]
    assert problems and all("invisible character" in p for p in problems)


def test_searching_folds_the_prefix_as_lot_numbers_are(api_a, clinician_a):
    register(clinician_a, "STRAßE-1")
    register(clinician_a, "ML-9")
    found = api_a.get("/api/v1/lots/?q=strasse").json()["results"]
    assert [lot["lot_number"] for lot in found] == ["STRAßE-1"]
    assert api_a.get("/api/v1/lots/?q=ML%E2%80%8D").json()["results"] == []


def test_a_number_that_unfolds_past_the_column_is_a_400_not_a_database_error(api_a):
    """Five characters typed, but NFKC unfolds each ligature (U+FDFA) into 15 letters."""
    response = api_a.post(
        "/api/v1/lots/",
        {"formulation": "mesolift", "lot_number": "\ufdfa" * 5, "expires_on": "2027-06-01"},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "at most 64" in response.json()["lot_number"][0]
    assert not ProductLot.objects.exists()
