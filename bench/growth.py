"""Linear growth: the whole pipeline on the seed and on documents 10× and 100× its size.

    python bench/growth.py [--sizes 1 10 100] [--runs N] [--top N]

A document n× the seed (samples/xunwu-2023-social-insurance.json) has n copies of every row of the
code-keyed tables (收入总表, 支出总表, 一般公共预算支出表 by function; 基本支出表 by economic
class) and of every project of the 绩效目标表. Each copy keeps the hierarchy: the copy k of a
类 block gets a 类 code of its own (function codes from 400, economic codes from 700, which no
real 类 uses), its 款 and 项 codes the same prefix, and its names a suffix `（副本k）`; each
table's total row is multiplied by n, so 类 = Σ款 = Σ项 and the total = Σ类 still hold, and the
three function tables still agree row by row. The narrative and the summary tables are the
seed's. The 100× document is over the 100,000 values a document may hold: the limit is raised
for this measurement. Each size is timed in the same process (load the JSON bytes, validate, every rule of the
built-in rulebook, locate the findings; median of N runs after one warm-up) and printed as a
ratio to the seed, measured in this one run; the targets are ≤ 11× at 10× and ≤ 110× at 100×.
The rules whose time grows faster than the document (their ratio at the largest size above the
size itself) are listed, from the engine's per-rule timings (as `budgetlint check --timings`; the
best of several runs with the collector paused). The code pools allow up to 100 copies.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import sys
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from _timing import median_ms  # noqa: E402  (bench/ is the script's folder, first on sys.path)

SEED = ROOT / "samples" / "xunwu-2023-social-insurance.json"
sys.path.insert(0, str(ROOT))

FUNCTION_TABLES = ("revenue", "expenditure", "general_budget")
FUNCTION_POOL, ECONOMIC_POOL = 400, 700  # first 类 code of the copies; 3 digits, unused by real 类


def _recode(rows: list, n: int, pool: int) -> list:
    """rows and n - 1 copies of them, each copy's 类 prefixes mapped to fresh 3-digit codes."""
    prefixes = sorted({r["code"][:3] for r in rows if isinstance(r.get("code"), str)})
    out = list(rows)
    for k in range(1, n):
        fresh = {p: str(pool + (k - 1) * len(prefixes) + i) for i, p in enumerate(prefixes)}
        assert all(len(c) == 3 for c in fresh.values()), "too many copies for the code pool"
        for row in rows:
            row = copy.deepcopy(row)
            code = row["code"]
            row["code"] = fresh[code[:3]] + code[3:]
            if row.get("printed_code") == code:  # a 款 printed as its last two digits stays as it is
                row["printed_code"] = row["code"]
            row["name"] = f"{row['name']}（副本{k}）"
            out.append(row)
    return out


def _scaled(total: dict, n: int) -> dict:
    return {k: v * n if isinstance(v, Decimal) else v for k, v in total.items()}


def grown(seed: dict, n: int) -> dict:
    """The seed with n copies of its code-keyed table rows and of its projects (see the docstring)."""
    doc = copy.deepcopy(seed)
    if n == 1:
        return doc
    tables = doc["tables"]
    for key in (*FUNCTION_TABLES, "basic_expenditure"):
        table = tables[key]
        pool = ECONOMIC_POOL if key == "basic_expenditure" else FUNCTION_POOL
        table["rows"] = _recode(table["rows"], n, pool)
        if isinstance(table.get("total"), dict):
            table["total"] = _scaled(table["total"], n)
    projects = doc["performance_goals"]
    copies = []
    for k in range(1, n):
        for project in projects:
            project = copy.deepcopy(project)
            project["project"] = f"{project['project']}（副本{k}）"
            copies.append(project)
    doc["performance_goals"] = projects + copies
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=20, help="runs of the seed (fewer of larger ones)")
    parser.add_argument("--top", type=int, default=8, help="rules listed by their growth")
    args = parser.parse_args()

    import budgetlint.loader
    from budgetlint import engine
    from budgetlint.cli import GC_THRESHOLDS
    from budgetlint.engine import rule_findings
    from budgetlint.importer.output import to_json
    from budgetlint.loader import load_bytes
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema, validate
    from budgetlint.timings import RuleTimings

    # The 100× document holds ~350,000 values, over the limit a user's document is held to (100,000):
    # raised here, for this measurement only.
    budgetlint.loader.MAX_VALUES = 10_000_000
    rulebook = load_rulebook([rules_dir()], load_schema())
    gc.set_threshold(*GC_THRESHOLDS)  # the collector as `budgetlint check` sets it
    gc.freeze()
    seed = json.loads(SEED.read_bytes(), parse_float=Decimal, parse_int=Decimal)
    results = []
    for n in args.sizes:
        raw = to_json(grown(seed, n)).encode()
        doc = load_bytes(raw, f"seed×{n}")
        problems = list(validate(doc.data))
        assert not problems, problems[:3]
        findings = rule_findings(doc, rulebook)

        def full(raw=raw, n=n):
            d = load_bytes(raw, f"seed×{n}")
            if not validate(d.data):
                rule_findings(d, rulebook)

        runs = max(3, args.runs // n) if n > 1 else args.runs
        ms = median_ms(full, runs)
        # per rule: the best of several runs, the collector paused (a full collection walks the
        # whole document and would be charged to whichever rule happened to allocate)
        timings = RuleTimings()
        gc.disable()
        for _ in range(max(3, runs // 2)):
            engine.TIMINGS = run = RuleTimings()
            rule_findings(load_bytes(raw, "timed"), rulebook)
            for rule_id, seconds in run.seconds.items():
                if seconds < timings.seconds.get(rule_id, float("inf")):
                    timings.seconds[rule_id], timings.calls[rule_id] = seconds, 1
                    timings.hits[rule_id] = run.hits[rule_id]
        timings.documents = 1
        engine.TIMINGS = None
        gc.enable()
        rows = sum(len(doc.data["tables"][k]["rows"]) for k in (*FUNCTION_TABLES, "basic_expenditure"))
        results.append((n, len(raw), rows, len(doc.data["performance_goals"]), len(findings), ms, timings))

    base = results[0]
    print(f"rules: {len(rulebook.rules)}; whole pipeline per document (load JSON, validate, rules, locate)")
    print(
        f"{'size':>5} {'KiB':>7} {'rows':>6} {'projects':>8} {'findings':>8} {'ms':>9} {'ratio':>7}  target"
    )
    for n, size, rows, projects, found, ms, _ in results:
        ratio = ms / base[5]
        target = f"≤ {n * 1.1:g}" if n > 1 else ""
        ok = "" if n == 1 else ("met" if ratio <= n * 1.1 else "NOT met")
        line = f"{n:>4}× {size / 1024:>7.0f} {rows:>6} {projects:>8} {found:>8} {ms:>9.2f} {ratio:>7.2f}"
        print(f"{line}  {target} {ok}")

    # per rule: best time per document at the largest size over the same on the seed, and over the
    # same at the size before it (the copies make findings the seed has not, e.g. PERF-10's
    # "the same goal as another project's": growth from the first copies on is not superlinear)
    big, mid, small = results[-1], results[-2], results[0]
    per = lambda r, rule_id: r[6].seconds.get(rule_id, 0.0)  # noqa: E731 - best of the runs, 1 document
    grow = []
    for rule_id in big[6].seconds:
        b, m, s_ = per(big, rule_id), per(mid, rule_id), per(small, rule_id)
        grow.append((b / s_ if s_ else float("inf"), b / m if m else float("inf"), rule_id, s_, m, b))
    grow.sort(reverse=True)
    step = big[0] / mid[0]
    print(
        f"rules by growth (best time per document): {big[0]}× ÷ {small[0]}×, and {big[0]}× ÷ {mid[0]}× "
        f"(superlinear: above {step * 1.1:g})"
    )
    for whole, last, rule_id, s_, m, b in grow[: args.top]:
        flag = "  superlinear" if last > step * 1.1 else ""
        print(
            f"  {rule_id:<10} {s_ * 1000:8.3f} {m * 1000:8.3f} {b * 1000:9.3f} ms  "
            f"{whole:7.1f}× {last:6.1f}×{flag}"
        )
    share = sum(g[5] for g in grow[: args.top]) / big[6].total()
    print(f"  (these {min(args.top, len(grow))} rules: {100 * share:.0f} % of the rules' time at {big[0]}×)")


if __name__ == "__main__":
    main()
