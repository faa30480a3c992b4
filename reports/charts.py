"""The dashboard's charts as geometry for server-drawn SVG (templates/reports/charts/):
plain functions from a report's figures to coordinates, ticks and a sentence that says
what the chart shows (its text alternative). No drawing library, no script: the page is
complete as the server sends it, and each chart has its table beside it.

Coordinates are in the SVG's viewBox units; the template scales it to the width at hand.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from outcomes.models import Rating

LEVELS = tuple(Rating.values)
LEVEL_NAMES = dict(Rating.choices)
WIDTH = 640
LEFT, RIGHT = 150, 620  # the bars' axis, after the labels' column


def nice_max(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 times a power of ten at or above `value` (1 for 0).

    >>> nice_max(0), nice_max(7), nice_max(13), nice_max(240), nice_max(0.3)
    (1, 10, 20, 250, 0.5)
    """
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            top = step * power
            return int(top) if top >= 1 and float(top).is_integer() else top
    return 10 * power  # pragma: no cover - the loop ends at 10


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{100 * value:.0f}%"


@dataclass
class Chart:
    width: int
    height: int
    title: str
    desc: str
    body: dict[str, Any] = field(default_factory=dict)
    kind: str = "bars"  # which template draws it: templates/reports/charts/<kind>.html
    empty: bool = False  # nothing to draw: the page says so instead of empty axes

    @property
    def template(self) -> str:
        return f"reports/charts/{self.kind}.html"


def satisfaction_bars(by_protocol: dict[str, dict[str, Any]], names: dict[str, str]) -> Chart:
    """Per protocol a bar of its surveyed courses split into the three levels (red, blue,
    green, as the Meso-Report draws them), and under it each level's share as a dot with
    its 95% Wilson interval on the same 0-100% axis."""
    span = RIGHT - LEFT
    rows, sentences, y = [], [], 10
    for code, figures in by_protocol.items():
        n = figures["patients"]
        if figures.get("suppressed") and n is None:
            sentences.append(
                f"{names.get(code, code)}: not shown, fewer than 11 surveyed courses in a "
                "count (or needed to hide one)."
            )
            continue
        segments, start = [], 0.0
        for level in LEVELS:
            part = figures["share"][level] or 0.0
            segments.append(
                {
                    "level": level,
                    "x": LEFT + start * span,
                    "w": part * span,
                    "label": f"{LEVEL_NAMES[level]} {_pct(figures['share'][level])}",
                    "show_label": part * span >= 44,
                    "text": _pct(figures["share"][level]),
                }
            )
            start += part
        intervals = []
        for i, level in enumerate(LEVELS):
            low_high = figures["ci95"][level]
            point = figures["share"][level]
            if point is None or low_high is None:
                continue
            intervals.append(
                {
                    "level": level,
                    "y": y + 38 + 11 * i,
                    "x": LEFT + point * span,
                    "x_low": LEFT + low_high[0] * span,
                    "x_high": LEFT + low_high[1] * span,
                }
            )
        name = names.get(code, code)
        rows.append({"label": name, "n": n, "y": y, "segments": segments, "intervals": intervals})
        sentences.append(
            f"{name}, {n} surveyed courses: "
            + ", ".join(
                f"{LEVEL_NAMES[level].lower()} {_pct(figures['share'][level])}"
                + (
                    f" (95% interval {_pct(figures['ci95'][level][0])} to "
                    f"{_pct(figures['ci95'][level][1])})"
                    if figures["ci95"][level]
                    else ""
                )
                for level in LEVELS
            )
            + "."
        )
        y += 38 + 11 * len(LEVELS) + 18
    ticks = [{"x": LEFT + t / 4 * span, "label": f"{25 * t}%"} for t in range(5)]
    return Chart(
        width=WIDTH,
        height=y + 14,
        title="Satisfaction per formulation",
        desc=" ".join(sentences) or "No surveyed courses.",
        body={"rows": rows, "ticks": ticks, "axis_y": y - 6, "left": LEFT, "right": RIGHT},
        kind="bars",
    )


TOP, BOTTOM = 16, 196
PLOT_LEFT = 56


def line_chart(
    title: str,
    x_labels: list[str],
    series: list[dict[str, Any]],
    *,
    y_max: float | None = None,
    y_min: float = 0.0,
    y_format: str = "{:g}",
    unit: str = "",
    width: int = 480,
) -> Chart:
    """One line per series over the x labels; a point may carry its interval
    (`low`, `high`), drawn as a whisker. `series`: [{"name", "key", "points": {x_label:
    {"y", "low"?, "high"?}}}]."""
    values = [
        v
        for s in series
        for p in s["points"].values()
        for v in (p["y"], p.get("high"), p.get("low"))
        if v is not None
    ]
    top = y_max if y_max is not None else nice_max(max(values, default=0))
    low_end = min([y_min, *values])
    if low_end < 0:
        low_end = -nice_max(-low_end)
    scale = (BOTTOM - TOP) / ((top - low_end) or 1)
    right = width - 20
    step = (right - PLOT_LEFT) / max(len(x_labels), 1)

    def sx(i: int) -> float:
        return PLOT_LEFT + step * (i + 0.5)

    def sy(v: float) -> float:
        return BOTTOM - (v - low_end) * scale

    drawn, sentences = [], []
    for s in series:
        points = []
        for i, label in enumerate(x_labels):
            p = s["points"].get(label)
            if p is None or p["y"] is None:
                continue
            points.append(
                {
                    "x": sx(i),
                    "y": sy(p["y"]),
                    "y_low": sy(p["low"]) if p.get("low") is not None else None,
                    "y_high": sy(p["high"]) if p.get("high") is not None else None,
                    "label": f"{s['name']}, {label}: {y_format.format(p['y'])}{unit}",
                }
            )
        drawn.append(
            {
                "name": s["name"],
                "key": s["key"],
                "points": points,
                "path": " ".join(f"{p['x']:.1f},{p['y']:.1f}" for p in points),
            }
        )
        if points:
            sentences.append(
                f"{s['name']}: "
                + ", ".join(
                    f"{label} {y_format.format(s['points'][label]['y'])}{unit}"
                    for label in x_labels
                    if s["points"].get(label) and s["points"][label]["y"] is not None
                )
                + "."
            )
    ticks = []
    for t in range(5):
        v = low_end + (top - low_end) * t / 4
        ticks.append({"y": sy(v), "label": y_format.format(round(v, 2)) + unit})
    return Chart(
        width=width,
        height=BOTTOM + 34,
        title=title,
        desc=" ".join(sentences) or "No measures recorded.",
        body={
            "series": drawn,
            "y_ticks": ticks,
            "x_ticks": [{"x": sx(i), "label": label} for i, label in enumerate(x_labels)],
            "left": PLOT_LEFT,
            "right": right,
            "top": TOP,
            "bottom": BOTTOM,
            "zero": sy(0) if low_end < 0 else None,
        },
        kind="line",
        empty=not any(s["points"] for s in drawn),
    )


def column_chart(
    title: str, categories: list[str], series: list[dict[str, Any]], *, width: int = 480
) -> Chart:
    """Grouped columns: for each category one column per series. `series`: [{"name",
    "key", "values": [number per category]}]."""
    step = nice_max(max((v for s in series for v in s["values"]), default=0) / 4)
    top = 4 * (step if step >= 1 else 1)  # counts: whole-number ticks
    right = width - 20
    group = (right - PLOT_LEFT) / max(len(categories), 1)
    bar = group * 0.8 / max(len(series), 1)
    scale = (BOTTOM - TOP) / top
    columns = []
    for j, s in enumerate(series):
        for i, value in enumerate(s["values"]):
            h = value * scale
            columns.append(
                {
                    "key": s["key"],
                    "x": PLOT_LEFT + group * i + group * 0.1 + bar * j,
                    "y": BOTTOM - h,
                    "w": max(bar - 1, 1),
                    "h": h,
                    "label": f"{categories[i]}, {s['name']}: {value}",
                }
            )
    sentences = [
        f"{s['name']}: "
        + ", ".join(f"{c} {v}" for c, v in zip(categories, s["values"], strict=True))
        + "."
        for s in series
    ]
    return Chart(
        width=width,
        height=BOTTOM + 34,
        title=title,
        desc=" ".join(sentences)
        if any(v for s in series for v in s["values"])
        else "Nothing to count yet.",
        body={
            "columns": columns,
            "y_ticks": [
                {"y": BOTTOM - top * t / 4 * scale, "label": f"{top * t / 4:g}"} for t in range(5)
            ],
            "x_ticks": [
                {"x": PLOT_LEFT + group * (i + 0.5), "label": c} for i, c in enumerate(categories)
            ],
            "legend": [{"name": s["name"], "key": s["key"]} for s in series],
            "left": PLOT_LEFT,
            "right": right,
            "top": TOP,
            "bottom": BOTTOM,
        },
        kind="columns",
        empty=not any(v for s in series for v in s["values"]),
    )


def stacked_columns(title: str, quarters: list[dict[str, Any]], protocol: str, name: str) -> Chart:
    """The trend: per quarter a column of one protocol's surveyed courses split into the
    three levels, as shares (each column 100%), its count under it."""
    cats = [q for q in quarters if protocol in q["by_protocol"]]
    right = 460
    group = (right - PLOT_LEFT) / max(len(cats), 1)
    width = min(group * 0.7, 48)
    span = BOTTOM - TOP
    columns, sentences = [], []
    for i, q in enumerate(cats):
        figures = q["by_protocol"][protocol]
        x = PLOT_LEFT + group * i + (group - width) / 2
        if figures["share"][LEVELS[0]] is None:  # hidden (small cells): no column
            columns.append({"quarter": q["quarter"], "x": x + width / 2, "n": "<11", "parts": []})
            sentences.append(f"{q['quarter']}: hidden (a count from 1 to 10)")
            continue
        bottom = float(BOTTOM)
        parts = []
        for level in LEVELS:
            h = (figures["share"][level] or 0) * span
            parts.append(
                {
                    "level": level,
                    "x": x,
                    "y": bottom - h,
                    "w": width,
                    "h": h,
                    "label": f"{q['quarter']}, {LEVEL_NAMES[level]}: "
                    f"{_pct(figures['share'][level])} of {figures['patients']}",
                }
            )
            bottom -= h
        columns.append(
            {"quarter": q["quarter"], "x": x + width / 2, "n": figures["patients"], "parts": parts}
        )
        sentences.append(
            f"{q['quarter']}: {figures['patients']} courses, "
            + ", ".join(
                f"{_pct(figures['share'][level])} {LEVEL_NAMES[level].lower()}" for level in LEVELS
            )
        )
    return Chart(
        width=right + 20,
        height=BOTTOM + 44,
        title=f"{title}: {name}",
        desc=(f"{name}. " + "; ".join(sentences) + ".") if sentences else "No surveyed courses.",
        body={
            "columns": columns,
            "label_every": max(1, math.ceil(len(cats) / 8)),
            "y_ticks": [{"y": BOTTOM - span * t / 4, "label": f"{25 * t}%"} for t in range(5)],
            "left": PLOT_LEFT,
            "right": right,
            "top": TOP,
            "bottom": BOTTOM,
        },
        kind="stacked",
    )
