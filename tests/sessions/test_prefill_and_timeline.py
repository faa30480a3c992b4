"""The session form's start (the previous session, or the usual values) and the course
timeline's entries, as pure functions."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace as Row

from sessions.prefill import prefill
from sessions.timeline import course_timeline, regions_done

D = Decimal


def a_pass(technique, region, lot="A-1", **values):
    defaults = {
        "depth_mm": D("1.20"),
        "spacing_mm": D("8.0"),
        "points": 25,
        "volume_ml": D("0.600"),
    }
    return Row(
        technique=technique,
        region=region,
        lot=Row(lot_number=lot),
        device_id="dev",
        needle_id="ndl",
        **{**defaults, **values},
    )


def test_a_first_session_starts_empty_with_both_techniques():
    """No value nobody typed: a first session's passes start empty (issue 15.4)."""
    start = prefill(None, ["chin"], ["LOT-9"])
    plan = start.plans["chin"]
    assert start.regions == () and not start.from_previous
    assert plan.techniques == {"single_pulse": {}, "nappage": {}}
    assert plan.done == {"single_pulse", "nappage"}
    assert plan.lot == "LOT-9" and start.device is None


def test_the_previous_session_gives_regions_values_lot_and_equipment():
    previous = [
        a_pass("single_pulse", "neck", lot="a-1"),
        a_pass("nappage", "chin", depth_mm=D("0.40")),
    ]
    start = prefill(previous, ["chin", "neck", "forehead"], ["A-1", "B-2"])
    assert start.regions == ("neck", "chin") and start.from_previous
    neck, chin = start.plans["neck"], start.plans["chin"]
    assert neck.done == {"single_pulse"} and chin.done == {"nappage"}
    assert neck.techniques["single_pulse"] == {
        "depth_mm": D("1.2"),
        "volume_ml": D("0.6"),
        "spacing_mm": D("8"),
        "points": 25,
    }
    assert chin.techniques["nappage"]["depth_mm"] == D("0.4")
    assert chin.techniques["single_pulse"] == {}  # not done before: empty, never invented
    assert start.plans["forehead"].techniques == {"single_pulse": {}, "nappage": {}}
    assert neck.lot == "A-1"  # the registered spelling
    assert start.plans["forehead"].lot == "A-1" and start.plans["forehead"].done == {
        "single_pulse",
        "nappage",
    }
    assert (start.device, start.needle) == ("dev", "ndl")


def test_a_lot_no_longer_usable_is_not_carried_over():
    start = prefill([a_pass("nappage", "chin", lot="OLD")], ["chin"], ["NEW"])
    assert start.plans["chin"].lot == ""


def test_regions_done_keep_the_order_treated():
    done = regions_done(
        [a_pass("single_pulse", "neck"), a_pass("single_pulse", "chin"), a_pass("nappage", "neck")]
    )
    assert [r.text for r in done] == ["Neck (SP + N)", "Chin (SP)"]


def test_timeline_of_a_course_with_a_done_a_planned_and_a_maintenance_session():
    t0 = datetime(2026, 11, 2, 9, tzinfo=UTC)
    done = Row(pk="a1", sequence=1, status="completed", starts_at=t0)
    planned = Row(pk="a2", sequence=2, status="scheduled", starts_at=t0 + timedelta(days=7))
    maintenance = Row(
        pk="m1", sequence=None, status="completed", starts_at=t0 + timedelta(days=200)
    )
    stray = Row(pk="c9", sequence=None, status="scheduled", starts_at=t0)  # not recorded: not shown
    records = {
        "a1": Row(pk="r1", performed_at=t0),
        "m1": Row(pk="r2", performed_at=t0 + timedelta(days=200)),
    }
    passes = {
        "r1": [a_pass("single_pulse", "chin"), a_pass("nappage", "chin", lot="B-2")],
        "r2": [],
    }
    entries = course_timeline(
        total=3,
        appointments=[maintenance, planned, done, stray],
        records=records,
        current_passes=passes,
        versions={"r1": 2},
        measures={"r1": "m"},
        photos={"r1": 3},
        events={"r1": ["e"]},
    )
    assert [(e.label, e.state) for e in entries] == [
        ("Session 1 of 3", "done"),
        ("Session 2 of 3", "planned"),
        ("Session 3 of 3", "open"),
        ("Maintenance", "done"),
    ]
    first = entries[0]
    assert first.volume_ml == D("1.2") and first.lots == ("A-1", "B-2") and first.version == 2
    assert (first.measures, first.photos, first.events) == ("m", 3, ("e",))
    assert entries[1].when == planned.starts_at and entries[2].when is None
    assert entries[3].version == 1 and entries[3].photos == 0
