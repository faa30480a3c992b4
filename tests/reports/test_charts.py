"""The dashboard's chart geometry (reports.charts): what is drawn matches the figures."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports import charts
from reports.satisfaction import with_shares

NAMES = {"mesolift": "MesoLift", "mesohair": "MesoHair"}


@given(st.lists(st.integers(0, 5000), min_size=3, max_size=3).filter(lambda c: sum(c) > 0))
def test_the_bars_segments_fill_the_axis_in_order_and_the_dots_sit_in_their_intervals(counts):
    figures = with_shares(dict(zip(charts.LEVELS, counts, strict=True)))
    chart = charts.satisfaction_bars({"mesolift": figures}, NAMES)
    row = chart.body["rows"][0]
    segments = row["segments"]
    assert [s["level"] for s in segments] == list(charts.LEVELS)
    assert segments[0]["x"] == charts.LEFT
    assert sum(s["w"] for s in segments) == pytest.approx(charts.RIGHT - charts.LEFT)
    for before, after in itertools.pairwise(segments):
        assert after["x"] == pytest.approx(before["x"] + before["w"])
    for i in row["intervals"]:
        assert i["x_low"] - 1e-9 <= i["x"] <= i["x_high"] + 1e-9
        assert i["x_low"] >= charts.LEFT - 1e-9 and i["x_high"] <= charts.RIGHT + 1e-9
    assert f"{sum(counts)} surveyed courses" in chart.desc


def test_the_bars_text_alternative_reads_the_shares_and_intervals():
    figures = with_shares({"less_satisfied": 2, "satisfied": 0, "very_satisfied": 8})
    chart = charts.satisfaction_bars({"mesohair": figures}, NAMES)
    assert chart.desc.startswith("MesoHair, 10 surveyed courses: less satisfied 20%")
    assert "very satisfied 80% (95% interval 49% to 94%)" in chart.desc
    assert charts.satisfaction_bars({}, NAMES).desc == "No surveyed courses."


def test_a_line_goes_up_as_the_values_do_and_whiskers_span_the_interval():
    chart = charts.line_chart(
        "t",
        ["1", "2", "3"],
        [
            {
                "name": "A",
                "key": "s1",
                "points": {
                    "1": {"y": 0.2, "low": 0.1, "high": 0.4},
                    "3": {"y": 0.8, "low": 0.6, "high": 0.9},
                },
            }
        ],
        y_max=1,
        y_format="{:.0%}",
    )
    first, last = chart.body["series"][0]["points"]
    assert last["y"] < first["y"]  # SVG's y grows downwards
    assert first["y_high"] < first["y"] < first["y_low"]
    assert first["x"] < last["x"]
    assert chart.body["y_ticks"][-1]["label"] == "100%"
    assert chart.desc == "A: 1 20%, 3 80%."


def test_a_negative_change_gets_an_axis_below_zero():
    chart = charts.line_chart(
        "t", ["1", "2"], [{"name": "A", "key": "s1", "points": {"1": {"y": 0}, "2": {"y": -7}}}]
    )
    assert chart.body["zero"] is not None
    assert chart.body["y_ticks"][0]["label"] == "-10"


def test_columns_are_as_tall_as_their_values():
    chart = charts.column_chart(
        "t", ["a", "b"], [{"name": "N", "key": "held", "values": [5, 10]}], width=480
    )
    a, b = chart.body["columns"]
    assert b["h"] == pytest.approx(2 * a["h"])
    assert a["y"] + a["h"] == pytest.approx(charts.BOTTOM)
    assert b["x"] + b["w"] <= 480 - 20


def test_the_trend_columns_stack_to_the_full_height():
    quarter = {
        "quarter": "2015-Q1",
        "by_protocol": {
            "mesohair": with_shares({"less_satisfied": 1, "satisfied": 2, "very_satisfied": 1})
        },
    }
    chart = charts.stacked_columns("By quarter", [quarter], "mesohair", "MesoHair")
    parts = chart.body["columns"][0]["parts"]
    assert sum(p["h"] for p in parts) == pytest.approx(charts.BOTTOM - charts.TOP)
    assert "2015-Q1: 4 courses, 25% less satisfied, 50% satisfied" in chart.desc


def test_charts_with_nothing_to_draw_say_so():
    line = charts.line_chart("t", ["1"], [{"name": "A", "key": "s1", "points": {}}])
    columns = charts.column_chart("t", ["a"], [{"name": "N", "key": "held", "values": [0]}])
    assert line.empty and line.desc == "No measures recorded."
    assert columns.empty and columns.desc == "Nothing to count yet."
    assert not charts.column_chart("t", ["a"], [{"name": "N", "key": "k", "values": [3]}]).empty


def test_count_axes_tick_in_whole_numbers():
    chart = charts.column_chart("t", ["a"], [{"name": "N", "key": "k", "values": [5]}])
    assert [t["label"] for t in chart.body["y_ticks"]] == ["0", "2", "4", "6", "8"]
