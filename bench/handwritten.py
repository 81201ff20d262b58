"""How much faster could generated Python be? ARITH-03 compiled to closures against the same rule
written by hand in Python.

    python bench/handwritten.py [--runs N]

The hand-written version is what a code generator could at best emit: plain loops and dict reads,
and none of the checks for a wrong kind of value that the rule language makes (so the ratio is an
upper bound). Before timing, both must give the same JSON Pointers on the seed and on every
document of samples/broken/. ARITH-03 is the costliest arithmetic rule: every row of every
functional-classification table against the sum of its children, column by column.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FUNCTIONAL_TABLES = ("revenue", "expenditure", "general_budget", "government_fund", "state_capital")
ZERO = Decimal(0)


def arith_03_by_hand(document: dict, per_item: Decimal) -> list[str]:
    """The pointers of ARITH-03's findings, as rules/arithmetic.rules states the rule."""
    found = []
    tables = document.get("tables") or {}
    for name in FUNCTIONAL_TABLES:
        table = tables.get(name)
        rows = table.get("rows") if table else None
        if not rows:
            continue
        keys = [c["key"] for c in table.get("columns") or ()]
        columns = [k for k in keys if any(r.get(k) is not None for r in rows)]
        children: dict[str, list] = {}
        for r in rows:
            code = r.get("code")
            if type(code) is str and len(code) >= 2:
                children.setdefault(code[:-2], []).append(r)
        for i, row in enumerate(rows):
            kids = children.get(row.get("code")) if row.get("code") is not None else None
            if not kids:
                continue
            tolerance = per_item * len(kids)
            for key in columns:
                value = row.get(key)
                printed = ZERO if value is None else value
                expected = sum([v for r in kids if (v := r.get(key)) is not None], ZERO)
                if abs(printed - expected) > tolerance:
                    found.append(f"/tables/{name}/rows/{i}/{key}")
    return found


def main(runs: int) -> None:
    from budgetlint.dsl.rules import Pointers
    from budgetlint.loader import load_bytes
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema

    rule = next(r for r in load_rulebook([rules_dir()], load_schema()).rules if r.info.id == "ARITH-03")
    settings = {"rounding_per_item": Decimal("0.005")}
    samples = ROOT / "samples"
    paths = [samples / "xunwu-2023-social-insurance.json", *sorted((samples / "broken").glob("*.json"))]
    compared = 0
    for path in paths:
        data = load_bytes(path.read_bytes(), path.name).data
        compiled = [h.pointer for h in rule.evaluate(data, Pointers(data), settings)]
        by_hand = arith_03_by_hand(data, settings["rounding_per_item"])
        if compiled != by_hand:
            sys.exit(f"{path.name}: the two versions disagree: {compiled} against {by_hand}")
        compared += len(compiled)
    print(f"same findings on {len(paths)} documents ({compared} findings)")

    seed = load_bytes(paths[0].read_bytes(), paths[0].name).data
    pointers = Pointers(seed)

    def median_us(fn) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times) * 1e6

    closures = median_us(lambda: list(rule.evaluate(seed, pointers, settings)))
    hand = median_us(lambda: arith_03_by_hand(seed, settings["rounding_per_item"]))
    print(f"ARITH-03 on the seed: compiled rule {closures:.0f} µs, by hand {hand:.0f} µs (median of {runs})")
    print(f"  ratio {closures / hand:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    main(parser.parse_args().runs)
