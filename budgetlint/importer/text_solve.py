"""Which columns the figures of a short text row are in, decided only by the document's identities.

Plain text drops empty cells, so a row printing m figures under n > m columns could hold them in
any m columns — but not in any order: a line's tokens come in printed order, left to right, so the
candidates are the increasing choices of m columns. The document's printed identities (a row's
合计 = Σ its parts, 类 = Σ款 = Σ项 down a column, the 合计 row, a figure another table or the text
prints for the same line) then rule candidates out. A column is *determined* when every candidate
left puts the figure there; a figure whose candidates disagree stays unplaced (the caller reports
it). Nothing is chosen between two consistent placements.

The pruning is arc consistency over linear equalities Σ coef·cell + const = 0, exact to the printed
cent: a candidate of one row survives a constraint when some choice of the other rows' candidates
satisfies it (forward and backward sets of partial sums). A constraint that no choice satisfies
(the document breaks it, e.g. a printed sum off by rounding) is set aside, not used to decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import combinations

ZERO = Decimal(0)
SCALE = 6  # figures are compared as integers of 10⁻⁶ units: exact, and far quicker than Decimal
MAX_CANDIDATES = 5000  # per row; a wider row is left to report (C(13, 6) = 1716 is the widest seen)
MAX_SUMS = 20000  # partial sums kept per constraint; beyond it the constraint decides nothing


@dataclass(eq=False)
class Short:
    """A row printing fewer figures than its table has columns."""

    where: str  # the row's JSON Pointer
    keys: list[str]  # the table's columns, in printed order
    values: list[Decimal]  # the printed figures, in printed order
    domain: list[tuple[int, ...]] = field(default_factory=list)  # column index of each figure
    used: set[str] = field(default_factory=set)  # identities that ruled a candidate out

    def __post_init__(self) -> None:
        self.units = [units(v) for v in self.values]
        if not self.domain and None not in self.units:
            n, m = len(self.keys), len(self.values)
            count = _choose(n, m)
            self.domain = list(combinations(range(n), m)) if 0 < count <= MAX_CANDIDATES else []
        self.index = {key: j for j, key in enumerate(self.keys)}

    def columns(self, n: int) -> set[int]:
        """The columns the row's n-th figure is in, over the candidates left."""
        return {candidate[n] for candidate in self.domain}


def units(value: Decimal | None) -> int | None:
    """The figure as an integer of 10⁻⁶ units; None for one printed finer (never seen)."""
    scaled = (value or ZERO).scaleb(SCALE)
    return int(scaled) if scaled == scaled.to_integral_value() else None


def _choose(n: int, m: int) -> int:
    from math import comb

    return comb(n, m) if 0 <= m <= n else 0


Term = tuple[Short, str, int]  # a short row's cell (row, key) and its coefficient


@dataclass
class Constraint:
    """Σ coef·cell + const = 0, named as the report and the source map give it."""

    name: str
    terms: list[Term]
    const: int = 0  # in 10⁻⁶ units


def _contributions(constraint: Constraint) -> list[tuple[Short, dict[tuple[int, ...], int]]]:
    by_row: dict[int, tuple[Short, dict[int, int]]] = {}
    for row, key, coef in constraint.terms:
        weights = by_row.setdefault(id(row), (row, {}))[1]  # column index → coefficient
        j = row.index[key]
        weights[j] = weights.get(j, 0) + coef
    out = []
    for row, weights in by_row.values():
        units = row.units
        out.append(
            (row, {c: sum(weights.get(j, 0) * u for j, u in zip(c, units, strict=True)) for c in row.domain})
        )
    return out


def _sums(parts: list[dict]) -> list[set[int]] | None:
    """sets[i]: the sums reachable with the first i rows' candidates (None when too many)."""
    sets = [{0}]
    for contribution in parts:
        reached = {s + v for s in sets[-1] for v in set(contribution.values())}
        if len(reached) > MAX_SUMS:
            return None
        sets.append(reached)
    return sets


def revise(constraint: Constraint) -> list[Short] | None:
    """Rule out the candidates no choice of the others completes; the rows that lost some, or
    None when the constraint cannot hold (or is too wide to decide): then nothing is ruled out."""
    if all(len(row.domain) <= 1 for row, _, _ in constraint.terms):
        return []  # nothing left to rule out (whether it holds is the rules' business, not ours)
    parts = _contributions(constraint)
    if not parts:
        return []
    values = [contribution for _, contribution in parts]
    forward = _sums(values)
    backward = _sums(values[::-1])
    if forward is None or backward is None:
        return None
    kept: list[list[tuple[int, ...]]] = []
    for i, (_, contribution) in enumerate(parts):
        after = backward[len(parts) - 1 - i]
        kept.append([
            c for c, v in contribution.items()
            if any(-constraint.const - s - v in after for s in forward[i])
        ])  # fmt: skip
    if any(not k for k in kept):
        return None  # the document breaks this identity under every placement: it decides nothing
    changed = []
    for (row, _), survivors in zip(parts, kept, strict=True):
        if len(survivors) < len(row.domain):
            row.domain = survivors
            row.used.add(constraint.name)
            changed.append(row)
    return changed


def solve(constraints: list[Constraint]) -> list[str]:
    """Prune every row's candidates to a fixed point; the names of the identities set aside.

    A worklist: a constraint is revised again only when one of its rows lost candidates; the
    one-row constraints (a row's own 合计 = Σ parts) go first, as they prune the most for least."""
    live = sorted((c for c in constraints if c.terms), key=lambda c: len({id(t[0]) for t in c.terms}))
    of_row: dict[int, list[Constraint]] = {}
    for c in live:
        for row in {id(t[0]) for t in c.terms}:
            of_row.setdefault(row, []).append(c)
    queue, queued, broken = list(live), {id(c) for c in live}, []
    set_aside: set[int] = set()
    while queue:
        constraint = queue.pop(0)
        queued.discard(id(constraint))
        if id(constraint) in set_aside:
            continue
        changed = revise(constraint)
        if changed is None:
            broken.append(constraint.name)
            set_aside.add(id(constraint))
            continue
        for row in changed:
            for other in of_row[id(row)]:
                if id(other) not in queued and id(other) not in set_aside and other is not constraint:
                    queue.append(other)
                    queued.add(id(other))
    return broken
