"""A finished report as the dashboard's panels: each a heading, its chart (reports.charts)
where a picture helps, its table (reports.tables, also the CSV download) and a note where
the figure needs one. The page template only lays them out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from mesoplan.date_display import practice_month
from protocols.models import Protocol
from reports import charts, tables
from reports.parameters import OTHER_PROTOCOL

SESSIONS = [str(n) for n in range(1, 9)]
TREND_QUARTERS = 16  # the trend chart's last four years; the table holds every quarter


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    table: tables.Table
    charts: tuple[charts.Chart, ...] = ()
    note: str = ""
    wide: bool = False


def protocol_names() -> dict[str, str]:
    names = dict(Protocol.objects.order_by("code").values_list("code", "name"))
    names[OTHER_PROTOCOL] = "Neither formulation"
    return names


def _series_keys(codes) -> dict[str, str]:
    return {code: f"s{i % 4 + 1}" for i, code in enumerate(sorted(codes))}


def _curve(points, y, low=None, high=None) -> dict[str, dict[str, Any]]:
    return {
        str(p["session"]): {
            "y": p[y],
            "low": p[low][0] if low and p.get(low) else None,
            "high": p[high][1] if high and p.get(high) else None,
        }
        for p in points
    }


CLINICAL = ("gais", "density", "rating", "completion", "lots")
SURVEY_ONLY = ("from", "to", "target", "sex", "age_band", "min_sessions", "lot")


def panels(
    result: dict[str, Any], names: dict[str, str], parameters: dict[str, Any] | None = None
) -> list[Panel]:
    """The report's panels; where the request filtered the surveys by more than the
    practice and formulation, the clinical panels say they count every course."""
    out = _panels(result, names)
    if not any((parameters or {}).get(key) for key in SURVEY_ONLY):
        return out
    scope = (
        "These figures count every course of the scope (practice and formulation filters "
        "only); the period, indication, sex, age band, sessions and lot filters apply to "
        "the satisfaction figures."
    )
    return [replace(p, note=f"{p.note} {scope}".strip()) if p.key in CLINICAL else p for p in out]


def _panels(result: dict[str, Any], names: dict[str, str]) -> list[Panel]:
    t = tables.all_tables(result, names)
    codes = sorted(
        set(result["by_protocol"])
        | set(result["outcomes"]["gais_improved"])
        | set(result["completion"])
    )
    keys = _series_keys(codes)
    out = [
        Panel(
            "satisfaction",
            "Satisfaction per formulation",
            t["satisfaction"],
            (charts.satisfaction_bars(result["by_protocol"], names),),
            "Bars: each formulation's surveyed courses by rating. Dots and whiskers: each "
            "rating's share with its 95% Wilson interval.",
            wide=True,
        )
    ]
    if "practices" in t:
        out.append(
            Panel(
                "practices",
                "Member practices compared",
                t["practices"],
                note=f"Counts from 1 to 10 read {tables.SUPPRESSED}, and so do the counts "
                "that would let one be worked out from a total: no cell singles out a patient.",
                wide=True,
            )
        )
    quarters = result["trend"][-TREND_QUARTERS:]
    out.append(
        Panel(
            "trend",
            "Satisfaction by quarter",
            t["trend"],
            tuple(
                charts.stacked_columns("By quarter", quarters, code, names.get(code, code))
                for code in sorted(result["by_protocol"])
            ),
            f"The charts show the last {TREND_QUARTERS} quarters; the table and its CSV "
            "hold every quarter.",
            wide=True,
        )
    )
    curves = result["outcomes"]
    out += [
        Panel(
            "gais",
            "GAIS improvement by session",
            t["gais"],
            (
                charts.line_chart(
                    "Share rated improved (GAIS 1-3), by session",
                    SESSIONS,
                    [
                        {
                            "name": names.get(code, code),
                            "key": keys[code],
                            "points": _curve(points, "share", "ci95", "ci95"),
                        }
                        for code, points in sorted(curves["gais_improved"].items())
                    ],
                    y_max=1,
                    y_format="{:.0%}",
                ),
            ),
            "Whiskers: 95% Wilson interval.",
        ),
        Panel(
            "density",
            "Hair density change by session",
            t["density"],
            (
                charts.line_chart(
                    "Mean change in hair density from the course's first measure",
                    SESSIONS,
                    [
                        {
                            "name": names.get(code, code),
                            "key": keys.get(code, "s1"),
                            "points": _curve(points, "mean_change_per_cm2"),
                        }
                        for code, points in sorted(curves["hair_density_change"].items())
                    ],
                    y_format="{:+.0f}",
                    unit="/cm²",
                ),
            ),
        ),
        Panel(
            "rating",
            "The patient's own rating by session",
            t["rating"],
            (
                charts.line_chart(
                    "Mean of the patient's 0-10 rating, by session",
                    SESSIONS,
                    [
                        {
                            "name": names.get(code, code),
                            "key": keys.get(code, "s1"),
                            "points": _curve(points, "mean"),
                        }
                        for code, points in sorted(curves["patient_rating"].items())
                    ],
                    y_max=10,
                    y_format="{:g}",
                ),
            ),
        ),
        Panel(
            "completion",
            "Course completion and drop-out",
            t["completion"],
            (
                charts.column_chart(
                    "Courses by sessions recorded",
                    [str(n) for n in range(9)],
                    [
                        {
                            "name": names.get(code, code),
                            "key": keys[code],
                            "values": [c["by_sessions"][str(n)] for n in range(9)],
                        }
                        for code, c in sorted(result["completion"].items())
                    ],
                ),
            ),
            "A course has dropped out when no session was recorded for 90 days before session 8.",
        ),
    ]
    if "activity" in t:
        months = result["activity"]["months"]
        out.append(
            Panel(
                "activity",
                "Appointments per month",
                t["activity"],
                (
                    charts.column_chart(
                        "Sessions held, cancellations and no-shows per month",
                        [_month_label(m["month"]) for m in months],
                        [
                            {
                                "name": "Sessions held",
                                "key": "held",
                                "values": [m["sessions"] for m in months],
                            },
                            {
                                "name": "Cancelled",
                                "key": "cancelled",
                                "values": [m["cancelled"] for m in months],
                            },
                            {
                                "name": "No-shows",
                                "key": "noshow",
                                "values": [m["no_show"] for m in months],
                            },
                        ],
                        width=charts.WIDTH,
                    ),
                ),
                f"Months in {result['activity']['zone']}.",
                wide=True,
            )
        )
    if "lots" in t:
        out.append(
            Panel(
                "lots",
                "Adverse events by lot",
                t["lots"],
                note=result["lot_safety"]["rule"],
                wide=True,
            )
        )
    return out


def _month_label(month: str) -> str:
    """
    >>> _month_label("2026-01")
    'Jan 2026'
    """
    return practice_month(date.fromisoformat(month + "-01"))


def flagged_lots(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [lot for lot in result.get("lot_safety", {}).get("lots", []) if lot["flagged"]]
