"""Small-cell suppression for figures published per practice (DOMAIN.md: any count from 1
to 10 is hidden, and enough others that none can be recovered by subtracting from a
total: secondary suppression, as the CMS cell-size policy requires).

The published figures form a table: a row per practice, a column per category, each row
with its total shown and each column with its total shown (the network's own figures).
The reader knows every shown cell and every total, so a hidden cell is recoverable
exactly when some row or column has it as its only hidden cell, or, more generally, when
the hidden cells do not form closed cycles (a hidden cell alone on its row can be
subtracted out; a chain that ends does the same step by step). The row total is treated
as one more cell of its row (it is hidden too when needed), and its column is the
"total" column, whose total is shown.

The rule applied (`suppress`):
1. primary: every count from 1 to 10;
2. secondary, until nothing changes: every row and every column that has a hidden cell
   gets a second one, the smallest count above zero that is still shown (a zero cannot
   move down, so hiding it protects nothing);
3. a hidden cell that is still a bridge (the only link between the rest of its hidden
   cells, so subtraction along the chain finds it), or a hidden count above zero whose
   every cycle runs through hidden zeros that would have to go below zero (`_pinned`),
   gets a partner the same way.
`recoverable` is the check the tests run against a linear program as well."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

LOW, HIGH = 1, 10

Cell = tuple[int, int]


def is_small(count: int) -> bool:
    """
    >>> [is_small(n) for n in (0, 1, 10, 11)]
    [False, True, True, False]
    """
    return LOW <= count <= HIGH


def with_totals(rows: Sequence[Sequence[int]]) -> list[list[int]]:
    """Each row followed by its total: the table `suppress` works on.

    >>> with_totals([[1, 2], [3, 4]])
    [[1, 2, 3], [3, 4, 7]]
    """
    return [[*row, sum(row)] for row in rows]


def suppress(table: Sequence[Sequence[int]], already: set[Cell] | None = None) -> set[Cell]:
    """The (row, column) cells to hide in `table`, each row ending with its total, with
    the cells `already` hidden by a table that shares them.

    >>> sorted(suppress([[5, 20, 25], [30, 40, 70]]))
    [(0, 0), (0, 1), (1, 0), (1, 1)]
    >>> suppress([[20, 30, 50], [40, 0, 40]])
    set()
    """
    height = len(table)
    width = len(table[0]) if height else 0
    hidden: set[Cell] = {
        (r, c) for r in range(height) for c in range(width) if is_small(table[r][c])
    } | set(already or ())
    while True:
        before = len(hidden)
        _pair_lines(table, hidden, height, width)
        for cell in _bridges(hidden):
            _add_partner(table, hidden, cell, height, width)
        for cell in _pinned(table, hidden, width):
            if not _unpin(table, hidden, cell, width):
                _add_partner(table, hidden, cell, height, width)
        if len(hidden) == before:
            return hidden


def _pair_lines(table, hidden: set[Cell], height: int, width: int) -> None:
    changed = True
    while changed:
        changed = False
        for r in range(height):
            in_row = [c for c in range(width) if (r, c) in hidden]
            if len(in_row) == 1:
                changed |= _hide_smallest(table, hidden, [(r, c) for c in range(width)])
        for c in range(width):
            in_column = [r for r in range(height) if (r, c) in hidden]
            if len(in_column) == 1:
                changed |= _hide_smallest(table, hidden, [(r, c) for r in range(height)])


def _hide_smallest(table, hidden: set[Cell], line: list[Cell]) -> bool:
    candidates = [cell for cell in line if cell not in hidden and table[cell[0]][cell[1]] > 0]
    if not candidates:
        # Only zeros left to hide: hide one anyway, the line still needs a second cell.
        candidates = [cell for cell in line if cell not in hidden]
    if not candidates:
        return False
    hidden.add(min(candidates, key=lambda cell: (table[cell[0]][cell[1]], cell)))
    return True


def _add_partner(table, hidden: set[Cell], cell: Cell, height: int, width: int) -> None:
    """Close a cycle through a bridge: hide a shown cell in its row whose column already
    has a hidden cell, or failing that the smallest in its row."""
    r, c = cell
    columns_with_hidden = {col for (_, col) in hidden}
    line = [(r, col) for col in range(width) if col != c and col in columns_with_hidden]
    if not _hide_smallest(table, hidden, line):
        _hide_smallest(table, hidden, [(r, col) for col in range(width)])


def _bridges(hidden: set[Cell]) -> list[Cell]:
    """Hidden cells that are bridges of the graph whose nodes are rows and columns and
    whose edges are hidden cells: a value that subtraction along the chain recovers."""
    adjacency: dict[tuple[str, int], list[tuple[tuple[str, int], Cell]]] = {}
    for r, c in hidden:
        adjacency.setdefault(("r", r), []).append((("c", c), (r, c)))
        adjacency.setdefault(("c", c), []).append((("r", r), (r, c)))
    order: dict[tuple[str, int], int] = {}
    low: dict[tuple[str, int], int] = {}
    found: list[Cell] = []
    counter = 0
    for root in sorted(adjacency):
        if root in order:
            continue
        # Iterative DFS (a network of practices must not hit the recursion limit).
        order[root] = low[root] = counter
        counter += 1
        stack: list[tuple[Any, Cell | None, Any]] = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, edges = stack[-1]
            advanced = False
            for neighbour, edge in edges:
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = counter
                    counter += 1
                    stack.append((neighbour, edge, iter(adjacency[neighbour])))
                    advanced = True
                    break
            if not advanced:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > order[parent]:
                        found.append(via)  # type: ignore[arg-type]
    return sorted(found)


def _pinned(table, hidden: set[Cell], width: int) -> list[Cell]:
    """Hidden counts above zero that no cycle of hidden cells can move by one either
    way, once counts cannot go below zero: a cycle through two hidden zeros that would
    both have to go down is no cycle at all (two practices, one with none at all: the
    other's figures are the network's). A bridge is pinned too; `_bridges` finds those."""
    return sorted(
        cell
        for cell in hidden
        if table[cell[0]][cell[1]] > 0
        and not any(_movable(table, hidden, cell, step, width) for step in (1, -1))
    )


def _unpin(table, hidden: set[Cell], cell: Cell, width: int) -> bool:
    """Hide the smallest shown cell (above zero first) that lets a pinned `cell` move:
    often a zero's row total, which is what held the zero down."""
    if any(_movable(table, hidden, cell, step, width) for step in (1, -1)):
        return False  # a partner added for an earlier cell freed it already
    shown = [(r, c) for r in range(len(table)) for c in range(width) if (r, c) not in hidden]
    for candidate in sorted(
        shown, key=lambda rc: (table[rc[0]][rc[1]] == 0, table[rc[0]][rc[1]], rc)
    ):
        trial = hidden | {candidate}
        if any(_movable(table, trial, cell, step, width) for step in (1, -1)):
            hidden.add(candidate)
            return True
    return False


def _movable(table, hidden: set[Cell], cell: Cell, step: int, width: int) -> bool:
    """Whether `cell` can change by `step` with every published total kept and no count
    below zero: a path of hidden cells from its column back to its row, alternating up
    and down. With the row total counted negatively in its row's identity, the cells
    form a bipartite graph (rows, columns) whose cycles alternate in sign; a row total
    moves opposite to that sign. A cell that goes down must be at least 1."""

    def change(c: int, sign: int) -> int:  # the count's change for a cycle sign
        return -sign if c == width - 1 else sign

    def usable(other: Cell, sign: int) -> bool:
        return other != cell and (change(other[1], sign) > 0 or table[other[0]][other[1]] >= 1)

    r0, c0 = cell
    sign = change(c0, step)  # this cell's cycle sign; column-to-row cells carry -sign
    seen = {("c", c0)}
    frontier = [("c", c0)]
    while frontier:
        kind, index = frontier.pop()
        for r, c in hidden:
            if kind == "c" and c == index and usable((r, c), -sign):
                if r == r0:
                    return True
                node = ("r", r)
            elif kind == "r" and r == index and usable((r, c), sign):
                node = ("c", c)
            else:
                continue
            if node not in seen:
                seen.add(node)
                frontier.append(node)
    return False


def recoverable(hidden: set[Cell]) -> list[Cell]:
    """Hidden cells that row and column totals give away (the bridges).

    >>> recoverable({(0, 0), (0, 1)})
    [(0, 0), (0, 1)]
    >>> recoverable({(0, 0), (0, 1), (1, 0), (1, 1)})
    []
    """
    return _bridges(hidden)
