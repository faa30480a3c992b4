"""The mutation score per rule module, from the results `mutmut run` left in mutants/.

    .venv/bin/python -m tests.mutation_score [--survivors]

Killed counts mutants that made a test fail or time out; the score is killed / checked.
`--survivors` lists the survivors by name (`mutmut show NAME` prints each one's diff).
docs/mutation.md lists the survivors judged equivalent and why.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILLED = {1, 3, 24, -24, 36, 152, 255}  # mutmut: a failing test, an internal error, a timeout
SURVIVED = 0


def modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    return list(config["only_mutate"])


def results(path: str) -> dict[str, int | None]:
    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    return json.loads(meta.read_text())["exit_code_by_key"]


def main(argv: list[str]) -> int:
    rows, survivors, totals = [], [], Counter()
    for path in modules():
        codes = results(path)
        count = Counter(
            "killed"
            if code in KILLED
            else "survived"
            if code == SURVIVED
            else "not checked"
            if code is None
            else "other"
            for code in codes.values()
        )
        survivors += sorted(k for k, code in codes.items() if code == SURVIVED)
        totals.update(count)
        rows.append((path, count, len(codes)))
    print(f"{'module':34} {'killed':>7} {'survived':>9} {'other':>6} {'total':>6} {'score':>7}")
    for path, count, total in [*rows, ("all rule modules", totals, sum(r[2] for r in rows))]:
        checked = count["killed"] + count["survived"] + count["other"]
        score = f"{100 * count['killed'] / checked:.1f}%" if checked else "-"
        print(
            f"{path:34} {count['killed']:>7} {count['survived']:>9} {count['other']:>6} "
            f"{total:>6} {score:>7}"
        )
    if totals["not checked"]:
        print(f"({totals['not checked']} mutants not checked yet)")
    if "--survivors" in argv:
        print("\n".join(["", "survivors:", *survivors]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
