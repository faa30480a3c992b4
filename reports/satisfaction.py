"""The Meso-Report's satisfaction figures, computed by the database from the rollup
(reports.models.SurveyedCourse): one GROUP BY for all of them (`grouped`), then each
figure from its groups (at most practices x quarters x 3 x 3 of them), never a loop
over rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

from outcomes.models import Rating
from reports.suppression import is_small, suppress, with_totals
from reports.wilson import share, wilson

LEVELS = tuple(Rating.values)  # less_satisfied, satisfied, very_satisfied


def grouped(rows: QuerySet) -> list[dict[str, Any]]:
    """The one query every satisfaction figure is read from: surveyed courses counted by
    practice, quarter of the survey date, protocol and rating (at most practices x
    quarters x 3 x 3 groups, whatever the number of rows). COUNT(*) over columns the
    rollup's indexes hold, so PostgreSQL can answer from the index alone."""
    from django.db.models.functions import TruncQuarter

    groups = list(
        rows.order_by()
        .annotate(starts=TruncQuarter("surveyed_on"))
        .values("practice_id", "starts", "protocol", "rating")
        .annotate(n=Count("*"))
    )
    for g in groups:  # one expression to group by; the labels from its date
        g["year"], g["quarter"] = g["starts"].year, (g["starts"].month - 1) // 3 + 1
    return groups


def _tally(groups: Iterable[dict[str, Any]], key) -> dict[Any, dict[str, int]]:
    out: dict[Any, dict[str, int]] = {}
    for g in groups:
        counts = out.setdefault(key(g), dict.fromkeys(LEVELS, 0))
        counts[g["rating"]] += g["n"]
    return out


def with_shares(counts: dict[str, int]) -> dict[str, Any]:
    """Counts of one protocol, with each level's share and its 95% Wilson interval.

    >>> figures = with_shares({"less_satisfied": 2, "satisfied": 0, "very_satisfied": 8})
    >>> figures["patients"], figures["share"]["very_satisfied"]
    (10, 0.8)
    >>> [round(bound, 3) for bound in figures["ci95"]["very_satisfied"]]
    [0.49, 0.943]
    """
    n = sum(counts[level] for level in LEVELS)
    return {
        "patients": n,
        **{level: counts[level] for level in LEVELS},
        "share": {level: share(counts[level], n) for level in LEVELS},
        "ci95": {level: _rounded(wilson(counts[level], n)) for level in LEVELS},
    }


def _rounded(interval):
    return None if interval is None else [round(interval[0], 4), round(interval[1], 4)]


def protocols_of(groups: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    tally = _tally(groups, lambda g: g["protocol"])
    return {code: with_shares(tally[code]) for code in sorted(tally)}


def quarters_of(groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same counts by quarter of the survey date, oldest first."""
    tally = _tally(groups, lambda g: (g["year"], g["quarter"], g["protocol"]))
    quarters: dict[str, dict[str, Any]] = {}
    for year, quarter, code in sorted(tally):
        label = f"{year}-Q{quarter}"
        quarters.setdefault(label, {"quarter": label, "by_protocol": {}})["by_protocol"][code] = (
            with_shares(tally[(year, quarter, code)])
        )
    return list(quarters.values())


def by_protocol(rows: QuerySet) -> dict[str, dict[str, Any]]:
    return protocols_of(grouped(rows))


def trend(rows: QuerySet) -> list[dict[str, Any]]:
    return quarters_of(grouped(rows))


def by_practice(rows: QuerySet, practices: Iterable[tuple[Any, str]], protocols: list[str]):
    return practices_of(grouped(rows), practices, protocols)


def practices_of(
    groups: list[dict[str, Any]], practices: Iterable[tuple[Any, str]], protocols: list[str]
):
    """The network's per-practice comparison, every member practice a row, small cells and
    the cells that would give them away suppressed (reports.suppression)."""
    practices = list(practices)
    counts = _tally(groups, lambda g: (g["practice_id"], g["protocol"]))
    index = {pk: i for i, (pk, _) in enumerate(practices)}
    zero = dict.fromkeys(LEVELS, 0)
    level_tables = {
        protocol: with_totals(
            [[counts.get((pk, protocol), zero)[level] for level in LEVELS] for pk, _ in practices]
        )
        for protocol in protocols
    }
    # Per practice: each protocol's patients, then the practice's total.
    patient_table = with_totals(
        [[level_tables[p][index[pk]][-1] for p in protocols] for pk, _ in practices]
    )
    hidden = _suppress_linked(level_tables, patient_table, protocols)
    result = []
    for r, (pk, name) in enumerate(practices):
        row_protocols = {}
        for protocol in protocols:
            table, cells = level_tables[protocol], hidden[protocol]
            figures = {
                level: None if (r, c) in cells else table[r][c] for c, level in enumerate(LEVELS)
            }
            total_hidden = (r, len(LEVELS)) in cells
            row_protocols[protocol] = {
                "patients": None if total_hidden else table[r][-1],
                **figures,
                "suppressed": any((r, c) in cells for c in range(len(LEVELS) + 1)),
            }
        total_hidden = (r, len(protocols)) in hidden["patients"]
        result.append(
            {
                "practice": str(pk),
                "name": name,
                "patients": None if total_hidden else patient_table[r][-1],
                "suppressed": total_hidden
                or any(row_protocols[p]["suppressed"] for p in protocols),
                "by_protocol": row_protocols,
            }
        )
    return result


def _suppress_linked(level_tables, patient_table, protocols):
    """The per-practice comparison's cells to hide: whole practices, never single cells.

    A practice's figures are linked across its tables (a protocol's patients there is a
    cell of that protocol's table and of the patients table), and cell-by-cell secondary
    suppression of linked tables leaked counts through those links (a property test
    against a linear program found them). So a practice with any count from 1 to 10 in
    any of its tables is hidden whole, in every table; if it is the only one, the
    practice with the fewest surveyed courses above zero is hidden whole with it. With
    two or more practices hidden whole and nothing of them shown, each hidden count can
    be anything from 0 to its column's hidden sum: the totals pin none of them."""
    width = len(LEVELS)
    rows = range(len(patient_table))

    def has_small(r: int) -> bool:
        return any(is_small(n) for n in patient_table[r]) or any(
            is_small(n) for p in protocols for n in level_tables[p][r]
        )

    hidden_rows = {r for r in rows if has_small(r)}
    if len(hidden_rows) == 1:
        partners = [r for r in rows if r not in hidden_rows and patient_table[r][-1] > 0]
        if partners:
            hidden_rows.add(min(partners, key=lambda r: (patient_table[r][-1], r)))
    hidden: dict[str, set] = {
        p: {(r, c) for r in hidden_rows for c in range(width + 1)} for p in protocols
    }
    hidden["patients"] = {(r, c) for r in hidden_rows for c in range(len(protocols) + 1)}
    return hidden


def _hidden(figures: dict[str, Any]) -> dict[str, Any]:
    return {
        "patients": None,
        **dict.fromkeys(LEVELS),
        "share": dict.fromkeys(LEVELS),
        "ci95": dict.fromkeys(LEVELS),
        "suppressed": True,
    }


def network_safe(by_protocol: dict[str, dict[str, Any]], quarters: list[dict[str, Any]]):
    """The network's own totals and trend, safe to publish beside the per-practice
    comparison (a network of one practice would otherwise show that practice's small
    cells as its totals):
    - a formulation with any network count from 1 to 10 is hidden whole, with its trend,
      and so is the network's total of surveyed courses (it would give the hidden
      formulation's by subtraction);
    - a formulation's trend is a table of quarters whose column totals are the shown
      network counts: `suppress` hides its small cells and the cells they need, and a
      quarter with any hidden count shows no shares (a share times the total is a count).
    Returns (by_protocol, trend, total_hidden)."""
    hidden_codes = {
        code
        for code, f in by_protocol.items()
        if any(is_small(f[level]) for level in LEVELS) or is_small(f["patients"])
    }
    safe = {
        code: _hidden(f) if code in hidden_codes else {**f, "suppressed": False}
        for code, f in by_protocol.items()
    }
    trend = [{"quarter": q["quarter"], "by_protocol": dict(q["by_protocol"])} for q in quarters]
    for code in by_protocol:
        rows = [q for q in trend if code in q["by_protocol"]]
        if code in hidden_codes:
            for q in rows:
                q["by_protocol"][code] = _hidden(q["by_protocol"][code])
            continue
        table = with_totals([[q["by_protocol"][code][level] for level in LEVELS] for q in rows])
        cells = suppress(table) if table else set()
        for r, q in enumerate(rows):
            f = q["by_protocol"][code]
            hide = {c for (row, c) in cells if row == r}
            if not hide:
                q["by_protocol"][code] = {**f, "suppressed": False}
                continue
            q["by_protocol"][code] = {
                "patients": None if len(LEVELS) in hide else f["patients"],
                **{level: None if c in hide else f[level] for c, level in enumerate(LEVELS)},
                "share": dict.fromkeys(LEVELS),
                "ci95": dict.fromkeys(LEVELS),
                "suppressed": True,
            }
    return safe, trend, bool(hidden_codes)
