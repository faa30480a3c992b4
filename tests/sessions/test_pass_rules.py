"""The pass rules as pure functions (DOMAIN.md "A session"): plausible ranges as data, the
regions an indication treats, and single-pulse before nappage within a region."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from protocols.regions import AREAS, regions_for
from protocols.specs import RangeSpec
from sessions.passes import PassValues, order_errors, pass_errors, range_for, value_errors

D = Decimal
RANGES = (
    RangeSpec("depth_mm", None, D("0.1"), D("4")),
    RangeSpec("depth_mm", "nappage", D("0.1"), D("1")),
    RangeSpec("spacing_mm", None, D("2"), D("20")),
    RangeSpec("points", None, D("1"), D("500")),
    RangeSpec("volume_ml", None, D("0.01"), D("10")),
)


def single(region="forehead", **values):
    return PassValues(
        "single_pulse",
        region,
        **{
            "depth_mm": D("1"),
            "spacing_mm": D("10"),
            "points": 20,
            "volume_ml": D("0.5"),
            **values,
        },
    )


def nappage(region="forehead", **values):
    return PassValues("nappage", region, **{"depth_mm": D("0.5"), "volume_ml": D("0.5"), **values})


def test_each_bound_is_inclusive_and_one_step_beyond_is_refused():
    for field, low, high in [
        ("depth_mm", "0.1", "4"),
        ("spacing_mm", "2", "20"),
        ("points", 1, 500),
        ("volume_ml", "0.01", "10"),
    ]:
        step = 1 if field == "points" else D("0.01")
        low, high = (D(str(low)), D(str(high)))
        assert value_errors(single(**{field: low}), RANGES) == {}
        assert value_errors(single(**{field: high}), RANGES) == {}
        assert field in value_errors(single(**{field: low - step}), RANGES)
        assert field in value_errors(single(**{field: high + step}), RANGES)


def test_nappage_depth_has_its_own_narrower_range():
    assert value_errors(nappage(depth_mm=D("1")), RANGES) == {}
    assert value_errors(nappage(depth_mm=D("1.01")), RANGES) == {
        "depth_mm": ["Depth must be between 0.1 and 1 mm for nappage."]
    }
    assert value_errors(single(depth_mm=D("1.01")), RANGES) == {}


def test_messages_name_field_and_range():
    assert value_errors(single(points=0), RANGES) == {
        "points": ["Points must be between 1 and 500."]
    }
    assert value_errors(single(volume_ml=D("12")), RANGES) == {
        "volume_ml": ["Volume must be between 0.01 and 10 ml."]
    }


def test_single_pulse_needs_spacing_and_points_nappage_does_not():
    errors = value_errors(PassValues("single_pulse", "chin", D("1"), None, None, D("1")), RANGES)
    assert errors == {
        "spacing_mm": ["Spacing is required for a single-pulse pass."],
        "points": ["Points is required for a single-pulse pass."],
    }
    assert value_errors(PassValues("nappage", "chin", D("0.5"), None, None, D("1")), RANGES) == {}
    missing = value_errors(PassValues("nappage", "chin", None, None, None, None), RANGES)
    assert set(missing) == {"depth_mm", "volume_ml"}


def test_a_range_row_edited_as_data_changes_the_check():
    edited = (*RANGES[:4], RangeSpec("volume_ml", None, D("0.01"), D("2")))
    assert "volume_ml" in value_errors(single(volume_ml=D("3")), edited)
    assert value_errors(single(volume_ml=D("3")), RANGES) == {}
    assert range_for("volume_ml", "nappage", edited).maximum == D("2")
    assert range_for("unknown", "nappage", edited) is None


def test_regions_belong_to_the_indication():
    assert set(regions_for("hair")) == set(AREAS["scalp"])
    assert set(regions_for("skin")) == set(AREAS["face"] + AREAS["neck_and_chest"] + AREAS["hands"])
    errors = pass_errors([nappage("scalp_vertex")], RANGES, "skin")
    assert list(errors[0]) == ["region"]
    assert pass_errors([nappage("scalp_vertex")], RANGES, "hair") == {}


def test_order_is_per_region_and_names_the_late_single_pulse():
    passes = [
        nappage("chin"),
        single("forehead"),
        nappage("forehead"),
        single("chin"),
        single("neck"),
    ]
    assert list(order_errors(passes)) == [3]
    assert "Chin: single-pulse after nappage" in order_errors(passes)[3]["technique"][0]


regions = st.sampled_from(["forehead", "chin", "neck"])
techniques = st.sampled_from(["single_pulse", "nappage"])


@given(st.lists(st.tuples(regions, techniques), max_size=12))
def test_order_errors_exactly_when_a_region_had_nappage_before_single_pulse(sequence):
    passes = [PassValues(t, r) for r, t in sequence]
    expected = {
        index
        for index, (region, technique) in enumerate(sequence)
        if technique == "single_pulse"
        and ("nappage", region) in [(t, r) for r, t in sequence[:index]]
    }
    assert set(order_errors(passes)) == expected


@given(st.lists(regions, max_size=3, unique=True))
def test_single_pulse_first_in_every_region_is_always_in_order(chosen):
    passes = [PassValues(t, r) for r in chosen for t in ("single_pulse", "nappage")]
    assert order_errors(passes) == {}
