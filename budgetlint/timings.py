"""Each rule's cost on the documents checked (`budgetlint check --timings`), as OPA's `--profile`.

The engine (budgetlint.engine.rule_findings) adds the wall time of each rule's generated function,
from its call to its last hit, to the RuleTimings installed in engine.TIMINGS; nothing is measured
when none is installed. A definition without parameters is computed once per document and
memoised: its cost is charged to the first rule that needs it.

Under `--jobs N` each document is measured where it is checked: the process checking it installs
a RuleTimings of its own for that document (`measured`) and returns it with the document's result
(budgetlint.batch.FileResult.timings); the parent merges them into one table."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter

__all__ = ["RuleTimings", "measured", "perf_counter"]


class RuleTimings:
    """Seconds, calls (documents the rule ran on) and hits per rule id, summed over documents."""

    __slots__ = ("calls", "documents", "hits", "seconds")

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.hits: dict[str, int] = {}
        self.documents = 0

    def add(self, rule_id: str, seconds: float, hits: int) -> None:
        self.seconds[rule_id] = self.seconds.get(rule_id, 0.0) + seconds
        self.calls[rule_id] = self.calls.get(rule_id, 0) + 1
        self.hits[rule_id] = self.hits.get(rule_id, 0) + hits

    def merge(self, other: RuleTimings) -> None:
        """Add another collector's figures (e.g. a worker's) to these."""
        for rule_id, seconds in other.seconds.items():
            self.seconds[rule_id] = self.seconds.get(rule_id, 0.0) + seconds
            self.calls[rule_id] = self.calls.get(rule_id, 0) + other.calls[rule_id]
            self.hits[rule_id] = self.hits.get(rule_id, 0) + other.hits[rule_id]
        self.documents += other.documents

    def total(self) -> float:
        return sum(self.seconds.values())

    def ranked(self) -> list[tuple[str, float, int, int]]:
        """(rule id, seconds, calls, hits), the costliest first (ties: by id)."""
        return sorted(
            ((r, s, self.calls[r], self.hits[r]) for r, s in self.seconds.items()),
            key=lambda row: (-row[1], row[0]),
        )

    def lines(self, top: int = 20) -> list[str]:
        """The report: a header, the `top` costliest rules (0: all), and a line for the rest, so that
        the times and shares printed add up to the total."""
        total = self.total()
        ranked = self.ranked()
        shown = ranked if top <= 0 else ranked[:top]
        rest = ranked[len(shown) :]
        out = [
            f"rule timings: {len(ranked)} rules on {self.documents} document(s), "
            f"{total * 1000:.3f} ms in all (wall time of each rule's function, summed over the documents)",
            f"{'rule':<12} {'total ms':>10} {'calls':>6} {'ms/call':>9} {'share':>7} {'hits':>6}",
        ]
        for rule_id, seconds, calls, hits in shown:
            out.append(_row(rule_id, seconds, calls, hits, total))
        if rest:
            seconds = sum(r[1] for r in rest)
            calls = sum(r[2] for r in rest)
            hits = sum(r[3] for r in rest)
            out.append(_row(f"({len(rest)} more)", seconds, calls, hits, total))
        return out


def _row(name: str, seconds: float, calls: int, hits: int, total: float) -> str:
    share = 100 * seconds / total if total else 0.0
    per_call = seconds * 1000 / calls if calls else 0.0
    return f"{name:<12} {seconds * 1000:>10.3f} {calls:>6} {per_call:>9.3f} {share:>6.1f}% {hits:>6}"


@contextmanager
def measured() -> Iterator[RuleTimings]:
    """A RuleTimings installed in engine.TIMINGS for the block (one document's check, in whichever
    process checks it), the one installed before put back after it."""
    from budgetlint import engine

    before, engine.TIMINGS = engine.TIMINGS, RuleTimings()
    try:
        yield engine.TIMINGS
    finally:
        engine.TIMINGS = before
