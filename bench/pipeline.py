"""Benchmark the per-document pipeline (warm) and a cold `budgetlint check` run.

    python bench/pipeline.py [--runs N] [--per-rule] [--sample PATH ...] [--yaml PATH ...]

Warm: load bytes + schema validation + every rule of the built-in rulebook on the seed sample,
in one process after one warm-up (median of N runs; also split into its stages).
--yaml PATH: the whole pipeline on a YAML document against the same document written as JSON
(issue 15: at most 3×), measured in the same run; also through PyYAML's composer and constructor
(the reader before the one-loop one), for comparison.
Cold: wall time of `budgetlint check samples/xunwu-2023-social-insurance.json` against
`python -c "import click"`, interleaved in the same run (median of N each), reported as a ratio
because machines are noisy. The rule-file cache and the compiled modules (.pyc, in a temporary
PYTHONPYCACHEPREFIX) are warmed first, as they are for an installed budgetlint after a first run.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from _timing import median_ms  # noqa: E402  (bench/ is the script's folder, first on sys.path)

SAMPLE = ROOT / "samples" / "xunwu-2023-social-insurance.json"
sys.path.insert(0, str(ROOT))


def warm(runs: int, sample: Path = SAMPLE) -> float:
    from budgetlint.cli import GC_THRESHOLDS
    from budgetlint.engine import rule_findings
    from budgetlint.loader import load_bytes
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema, validate

    rulebook = load_rulebook([rules_dir()], load_schema())
    gc.set_threshold(*GC_THRESHOLDS)  # the collector as `budgetlint check` sets it
    gc.freeze()
    raw = sample.read_bytes()
    doc = load_bytes(raw, sample.name)

    def full():
        d = load_bytes(raw, sample.name)
        if not validate(d.data):
            rule_findings(d, rulebook)

    pointers = [f.pointer for f in rule_findings(doc, rulebook)]

    def locate():  # a fresh document: nothing of the text is indexed yet
        d = load_bytes(raw, sample.name)
        for pointer in pointers:
            d.position(pointer)

    load = median_ms(lambda: load_bytes(raw, sample.name), runs)
    pipeline = median_ms(full, runs)
    print(f"{sample.name}: rules in the rulebook: {len(rulebook.rules)}")
    print(f"warm pipeline (load + validate + all rules): {pipeline:.2f} ms per document")
    print(f"  load bytes:        {load:.2f} ms")
    print(f"  schema validation: {median_ms(lambda: validate(doc.data), runs):.2f} ms")
    rules = median_ms(lambda: rule_findings(doc, rulebook), runs)
    print(f"  rules:             {rules:.2f} ms (the document's positions already indexed)")
    print(f"  locate {len(pointers)} findings: {median_ms(locate, runs) - load:.2f} ms")
    return pipeline


def yaml_vs_json(runs: int, path: Path) -> None:
    """Whole pipeline (load, validate, rules, locate their findings) per document, YAML ÷ JSON."""
    from budgetlint import yamlload
    from budgetlint.cli import GC_THRESHOLDS
    from budgetlint.engine import rule_findings
    from budgetlint.importer.output import to_json
    from budgetlint.loader import load_bytes
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema, validate

    rulebook = load_rulebook([rules_dir()], load_schema())
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()
    raw_yaml = path.read_bytes()
    raw_json = to_json(load_bytes(raw_yaml, path.name).data).encode()
    json_name = path.with_suffix(".json").name

    def full(raw, name):
        d = load_bytes(raw, name)
        if not validate(d.data):
            rule_findings(d, rulebook)

    ms_json = median_ms(lambda: full(raw_json, json_name), runs)
    ms_yaml = median_ms(lambda: full(raw_yaml, path.name), runs)
    fast = yamlload._FAST
    yamlload._FAST = False  # PyYAML's composer and safe constructor over libyaml's events
    try:
        ms_composed = median_ms(lambda: full(raw_yaml, path.name), runs)
    finally:
        yamlload._FAST = fast
    load_json = median_ms(lambda: load_bytes(raw_json, json_name), runs)
    load_yaml = median_ms(lambda: load_bytes(raw_yaml, path.name), runs)
    print(f"{path.name}: whole pipeline per document (load, validate, all rules, locate)")
    print(
        f"  as JSON {ms_json:.2f} ms (load {load_json:.2f}), as YAML {ms_yaml:.2f} ms (load {load_yaml:.2f})"
    )
    print(f"  ratio YAML ÷ JSON: {ms_yaml / ms_json:.2f} (issue 15: at most 3)")
    before = ms_composed / ms_json
    print(f"  YAML through PyYAML's composer and constructor: {ms_composed:.2f} ms, {before:.2f}× JSON")


def per_rule(runs: int, top: int = 20) -> None:
    """The costliest rules: each evaluated alone, best of N (memoised definitions recomputed)."""
    from budgetlint.dsl.rules import Pointers
    from budgetlint.loader import load_bytes
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema

    rulebook = load_rulebook([rules_dir()], load_schema())
    data = load_bytes(SAMPLE.read_bytes(), SAMPLE.name).data
    pointers = Pointers(data)
    costs = []
    for rule in rulebook.rules:
        best = float("inf")
        for _ in range(runs):
            pointers.memo = {}
            start = time.perf_counter()
            list(rule.evaluate(data, pointers, {}))
            best = min(best, time.perf_counter() - start)
        costs.append((best * 1000, rule.info.id))
    print(f"per rule (best of {runs}), sum {sum(c for c, _ in costs):.2f} ms; the costliest:")
    for ms, rule_id in sorted(costs, reverse=True)[:top]:
        print(f"  {rule_id:<10} {ms:.3f} ms")


def cold(runs: int) -> None:
    check = [sys.executable, "-m", "budgetlint", "check", str(SAMPLE)]
    baseline = [sys.executable, "-c", "import click"]
    with tempfile.TemporaryDirectory() as pycache:
        # Both commands run with compiled modules, as an installed package does (pip writes the
        # .pyc files at install time): where PYTHONDONTWRITEBYTECODE is set, a run from the source
        # tree would otherwise compile every module of budgetlint on every run, but not click's.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pycache
        for cmd in (check, baseline):  # fills the rule-file cache and the .pyc files
            subprocess.run(cmd, capture_output=True, cwd=ROOT, env=env)
        ours, theirs = [], []
        for _ in range(runs):
            for cmd, bucket in ((check, ours), (baseline, theirs)):
                start = time.perf_counter()
                subprocess.run(cmd, capture_output=True, cwd=ROOT, env=env)
                bucket.append(time.perf_counter() - start)
    a, b = statistics.median(ours), statistics.median(theirs)
    print(f"cold `budgetlint check` {a * 1000:.0f} ms, `python -c 'import click'` {b * 1000:.0f} ms")
    print(f"  ratio {a / b:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--per-rule", action="store_true", help="also list the costliest rules")
    parser.add_argument("--sample", action="append", type=Path, default=[],
                        help="also time this document (ratio to the seed; repeatable)")  # fmt: skip
    parser.add_argument("--yaml", action="append", type=Path, default=[],
                        help="also time this YAML document against it as JSON (repeatable)")  # fmt: skip
    args = parser.parse_args()
    for path in args.yaml:
        yaml_vs_json(args.runs * 5, path)
    seed = warm(args.runs * 5)
    for other in args.sample:
        print(f"  ratio to the seed: {warm(args.runs * 5, other) / seed:.2f}")
    cold(args.runs // 3 or 1)
    if args.per_rule:
        per_rule(args.runs)
