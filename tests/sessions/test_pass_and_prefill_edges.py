"""The pass rules and the session form's start at their edges (issue 15.9, the survivors
of mutation testing): a pass with an order error and a value error gets both, a
technique's own range is named by the technique's name, and a form with no usable lot
offers none. Pure."""

from decimal import Decimal as D
from types import SimpleNamespace as Row

from protocols.specs import RangeSpec
from sessions.passes import PassValues, pass_errors, range_message
from sessions.prefill import prefill

RANGES = [
    RangeSpec("depth_mm", None, D("0.1"), D("4")),
    RangeSpec("depth_mm", "single_pulse", D("0.5"), D("4")),
    RangeSpec("volume_ml", None, D("0.01"), D("10")),
]


def test_a_late_single_pulse_pass_with_a_bad_value_gets_both_errors():
    passes = [
        PassValues("nappage", "chin", depth_mm=D("0.5"), volume_ml=D("1")),
        PassValues(
            "single_pulse", "chin", depth_mm=D("9"), spacing_mm=D("8"), points=20, volume_ml=D("1")
        ),
    ]
    errors = pass_errors(passes, RANGES, "skin")
    assert set(errors) == {1}
    assert errors[1] == {
        "depth_mm": ["Depth must be between 0.5 and 4 mm for single-pulse."],
        "technique": [
            "Chin: single-pulse after nappage. Within a region, single-pulse passes come first."
        ],
    }


def test_an_order_error_alone_is_under_the_late_pass():
    passes = [
        PassValues("nappage", "neck", depth_mm=D("0.5"), volume_ml=D("1")),
        PassValues(
            "single_pulse", "neck", depth_mm=D("1"), spacing_mm=D("8"), points=20, volume_ml=D("1")
        ),
    ]
    assert list(pass_errors(passes, RANGES, "skin")) == [1]
    assert list(pass_errors(passes, RANGES, "skin")[1]) == ["technique"]


def test_a_techniques_own_range_is_named_by_the_techniques_name():
    spec = RangeSpec("depth_mm", "single_pulse", D("0.5"), D("4"))
    assert range_message("depth_mm", "single_pulse", spec) == (
        "Depth must be between 0.5 and 4 mm for single-pulse."
    )


def _pass(region, lot):
    return Row(
        technique="nappage",
        region=region,
        depth_mm=D("0.4"),
        spacing_mm=None,
        points=None,
        volume_ml=D("1"),
        lot=Row(lot_number=lot),
        device_id=None,
        needle_id=None,
    )


def test_without_a_usable_lot_no_lot_is_offered():
    start = prefill(None, ["chin", "neck"], [])
    assert {plan.lot for plan in start.plans.values()} == {""}
    linked = prefill([_pass("chin", "L-1")], ["chin", "neck"], ["L-1"], linked_to_events=["l-1"])
    assert (linked.plans["chin"].lot, linked.plans["neck"].lot) == ("", "")


def test_each_plan_names_its_region():
    start = prefill([_pass("chin", "L-1")], ["chin", "neck"], ["L-1"])
    assert [(name, plan.region) for name, plan in start.plans.items()] == [
        ("chin", "chin"),
        ("neck", "neck"),
    ]


def test_a_scalp_region_in_a_skin_course_names_what_the_course_treats():
    from sessions.passes import region_errors

    assert region_errors(PassValues("nappage", "scalp_vertex"), "skin") == {
        "region": [
            "A skin course treats face, neck, décolleté and hands: scalp_vertex is not one of "
            "its regions."
        ]
    }
