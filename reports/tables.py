"""Every table of a finished report, in one form the page and the CSV export both read:
a title, column headings with a format each, and rows of raw values. The page formats a
cell by its column's format; the CSV writes the value itself (shares as decimals), so
what is downloaded is what is shown, and nothing is computed twice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from outcomes.models import Rating

LEVELS = tuple(Rating.values)
LEVEL_NAMES = dict(Rating.choices)
SUPPRESSED = "<11"  # DOMAIN.md: a suppressed count reads "<11" in the browser


@dataclass(frozen=True)
class Column:
    heading: str
    format: str = "int"  # int | pct | num | text | count (a count that may be suppressed)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]

    def csv_rows(self) -> list[list[Any]]:
        head = [c.heading for c in self.columns]
        return [
            head,
            *(
                [_csv_cell(v, c) for v, c in zip(row, self.columns, strict=True)]
                for row in self.rows
            ),
        ]


def _csv_cell(value, column: Column):
    if value is None:
        return SUPPRESSED if column.format == "count" else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _interval(ci, i):
    return None if not ci else ci[i]


def satisfaction(result: dict[str, Any], names: dict[str, str]) -> Table:
    columns = [Column("Formulation", "text"), Column("Surveyed courses", "count")]
    for level in LEVELS:
        name = LEVEL_NAMES[level]
        columns += [
            Column(name, "count"),
            Column(f"{name} share", "pct"),
            Column(f"{name} 95% low", "pct"),
            Column(f"{name} 95% high", "pct"),
        ]
    rows = []
    for code, f in result["by_protocol"].items():
        row: list[Any] = [names.get(code, code), f["patients"]]
        for level in LEVELS:
            ci = f["ci95"][level]
            row += [f[level], f["share"][level], _interval(ci, 0), _interval(ci, 1)]
        rows.append(row)
    return Table("satisfaction", "Satisfaction per formulation", tuple(columns), rows)


def trend(result: dict[str, Any], names: dict[str, str]) -> Table:
    columns = [
        Column("Quarter", "text"),
        Column("Formulation", "text"),
        Column("Surveyed", "count"),
    ]
    columns += [Column(LEVEL_NAMES[level], "count") for level in LEVELS]
    columns += [Column(f"{LEVEL_NAMES[level]} share", "pct") for level in LEVELS]
    rows = [
        [q["quarter"], names.get(code, code), f["patients"]]
        + [f[level] for level in LEVELS]
        + [f["share"][level] for level in LEVELS]
        for q in result["trend"]
        for code, f in q["by_protocol"].items()
    ]
    return Table("trend", "Satisfaction by quarter", tuple(columns), rows)


def practices(result: dict[str, Any], names: dict[str, str]) -> Table | None:
    if "by_practice" not in result:
        return None
    codes = list(result["by_protocol"])
    columns = [Column("Practice", "text"), Column("Surveyed courses", "count")]
    for code in codes:
        columns += [
            Column(f"{names.get(code, code)}: {LEVEL_NAMES[level]}", "count") for level in LEVELS
        ]
    rows = []
    for p in result["by_practice"]:
        row: list[Any] = [p["name"], p["patients"]]
        for code in codes:
            f = p["by_protocol"].get(code, {})
            row += [f.get(level) for level in LEVELS]
        rows.append(row)
    return Table("practices", "Member practices compared", tuple(columns), rows)


def gais(result: dict[str, Any], names: dict[str, str]) -> Table:
    rows = [
        [
            names.get(code, code),
            p["session"],
            p["measured"],
            p["improved"],
            p["share"],
            _interval(p["ci95"], 0),
            _interval(p["ci95"], 1),
        ]
        for code, points in result["outcomes"]["gais_improved"].items()
        for p in points
    ]
    columns = (
        Column("Formulation", "text"),
        Column("Session"),
        Column("Rated"),
        Column("Improved (GAIS 1-3)"),
        Column("Share improved", "pct"),
        Column("95% low", "pct"),
        Column("95% high", "pct"),
    )
    return Table("gais", "GAIS improvement by session", columns, rows)


def density(result: dict[str, Any], names: dict[str, str]) -> Table:
    rows = [
        [names.get(code, code), p["session"], p["courses"], p["mean_change_per_cm2"]]
        for code, points in result["outcomes"]["hair_density_change"].items()
        for p in points
    ]
    columns = (
        Column("Formulation", "text"),
        Column("Session"),
        Column("Courses measured"),
        Column("Mean change (hairs/cm²)", "num"),
    )
    return Table("density", "Hair density change by session", columns, rows)


def patient_rating(result: dict[str, Any], names: dict[str, str]) -> Table:
    rows = [
        [names.get(code, code), p["session"], p["n"], p["mean"]]
        for code, points in result["outcomes"]["patient_rating"].items()
        for p in points
    ]
    columns = (
        Column("Formulation", "text"),
        Column("Session"),
        Column("Ratings"),
        Column("Mean rating (0-10)", "num"),
    )
    return Table("rating", "The patient's own rating by session", columns, rows)


def completion(result: dict[str, Any], names: dict[str, str]) -> Table:
    columns = [Column("Formulation", "text"), Column("Courses")]
    columns += [Column(f"{n} sessions") for n in range(9)]
    columns += [
        Column("Reached session 8", "pct"),
        Column("95% low", "pct"),
        Column("95% high", "pct"),
        Column("Dropped out"),
        Column("Dropped out share", "pct"),
    ]
    rows = [
        [names.get(code, code), c["courses"]]
        + [c["by_sessions"][str(n)] for n in range(9)]
        + [c["share_reached_8"], _interval(c["ci95_reached_8"], 0)]
        + [_interval(c["ci95_reached_8"], 1), c["dropped_out"], c["share_dropped_out"]]
        for code, c in result["completion"].items()
    ]
    return Table("completion", "Course completion and drop-out", tuple(columns), rows)


def activity(result: dict[str, Any]) -> Table | None:
    if "activity" not in result:
        return None
    rows = [
        [m["month"], m["appointments"], m["sessions"], m["cancelled"], m["no_show"]]
        for m in result["activity"]["months"]
    ]
    columns = (
        Column("Month", "text"),
        Column("Appointments"),
        Column("Sessions held"),
        Column("Cancelled"),
        Column("No-shows"),
    )
    return Table("activity", "Appointments per month", columns, rows)


def lot_safety(result: dict[str, Any], names: dict[str, str]) -> Table | None:
    if "lot_safety" not in result:
        return None
    rows = [
        [
            lot["lot_number"],
            names.get(lot["formulation"], lot["formulation"]),
            lot["sessions"],
            lot["events"],
            lot["per_1000"],
            _interval(lot["ci95_per_1000"], 0),
            _interval(lot["ci95_per_1000"], 1),
            lot["formulation_per_1000"],
            lot["flagged"],
        ]
        for lot in result["lot_safety"]["lots"]
    ]
    columns = (
        Column("Lot", "text"),
        Column("Formulation", "text"),
        Column("Sessions"),
        Column("Adverse events"),
        Column("Per 1,000 sessions", "num"),
        Column("95% low", "num"),
        Column("95% high", "num"),
        Column("Formulation per 1,000", "num"),
        Column("Flagged", "flag"),
    )
    return Table("lots", "Adverse events by lot", columns, rows)


def all_tables(result: dict[str, Any], names: dict[str, str]) -> dict[str, Table]:
    tables = [
        satisfaction(result, names),
        practices(result, names),
        trend(result, names),
        gais(result, names),
        density(result, names),
        patient_rating(result, names),
        completion(result, names),
        activity(result),
        lot_safety(result, names),
    ]
    return {t.key: t for t in tables if t is not None}
