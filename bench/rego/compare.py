"""budgetlint side by side with OPA's Rego: ten built-in rules written in Rego (bench/rego/budget.rego),
run through regopy (rego-cpp), checked to give the same findings and timed warm against budgetlint.

    pip install -e '.[bench]'          # regopy
    python bench/rego/compare.py [--runs N] [--sample PATH]

1. Same findings: on every document of samples/ (*.json, *.yaml, *.yml, recursively, that declare
   `format: budgetlint/…`), the set of (rule id, JSON Pointer) that budgetlint gives for the ten
   rules equals the set the Rego policy gives; and so on the document of every rule case
   (rules/*.cases.yaml: a sample and a patch) of the ten rules, all ten rules run on it. Any
   difference is printed and the exit status is 1.
2. Warm timing, on the seed (or --sample), in one process after a warm-up, median of N runs, as a
   ratio measured in this one run:
   - budgetlint: `engine.rule_findings` with a rulebook of just the ten rules (reading the document
     in 万元, the rules, their findings located in the text);
   - Rego: `set_input_term` (the same data as JSON text, prepared once outside the timing) and
     the query of `data.budgetlint.findings`; the query alone is printed too.
Both get the same data: the document as the rules read it (`budgetlint.units.in_wan`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from _timing import median_ms  # noqa: E402

sys.path.insert(0, str(ROOT))
POLICY = Path(__file__).with_name("budget.rego")
SEED = ROOT / "samples" / "xunwu-2023-social-insurance.json"
TEN = (
    "ARITH-03T",
    "ARITH-04",
    "ARITH-11",
    "COMP-08",
    "XT-05",
    "STAFF-01",
    "SG-04",
    "PERF-04",
    "PERF-07B",
    "META-04",
)
QUERY = "x := data.budgetlint.findings"


def samples() -> list[Path]:
    from budgetlint.batch import declares_itself
    from budgetlint.loader import load_path

    found = []
    for path in sorted(ROOT.joinpath("samples").rglob("*")):
        if path.suffix in (".json", ".yaml", ".yml") and path.is_file():
            try:
                if declares_itself(load_path(str(path)).data):
                    found.append(path)
            except Exception:  # an expected-findings file or notes: not a document
                continue
    return found


def case_documents() -> list[tuple[str, object]]:
    """(case, patched document) for every rule case of the ten rules."""
    from budgetlint.cases import _document, apply_patch, case_files, load_cases
    from budgetlint.loader import Document
    from budgetlint.resources import rules_dir

    out = []
    for path in case_files([rules_dir()]):
        for case in load_cases(path):
            if set(case.rules) & set(TEN):
                data = apply_patch(_document(case).data, case.patch)
                out.append((f"{path.name}::{case.name}", Document.in_memory(case.name, data)))
    return out


def interpreter():
    from regopy import Interpreter

    rego = Interpreter()
    rego.add_module("budget", POLICY.read_text(encoding="utf-8"))
    return rego


def rego_input(doc) -> str:
    from budgetlint.importer.output import to_json
    from budgetlint.units import in_wan

    return to_json(in_wan(doc.data))


def rego_findings(rego, text: str) -> set[tuple[str, str]]:
    rego.set_input_term(text)
    out = json.loads(str(rego.query(QUERY)))
    return {(f["rule"], f["pointer"]) for f in out["bindings"]["x"]}


def ours(doc, rulebook) -> set[tuple[str, str]]:
    from budgetlint.engine import rule_findings

    return {(f.rule, f.pointer) for f in rule_findings(doc, rulebook)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sample", type=Path, default=SEED, help="the document timed (default: the seed)")
    args = parser.parse_args()

    import gc

    from budgetlint.cli import GC_THRESHOLDS
    from budgetlint.engine import rule_findings
    from budgetlint.loader import load_path
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema

    rulebook = load_rulebook([rules_dir()], load_schema()).only(TEN)
    assert sorted(r.info.id for r in rulebook.rules) == sorted(TEN), "a rule of the ten is missing"
    rego = interpreter()

    differ = 0
    total = 0
    print(f"same findings, {len(TEN)} rules ({', '.join(TEN)}):")
    for path in samples():
        doc = load_path(str(path))
        a, b = ours(doc, rulebook), rego_findings(rego, rego_input(doc))
        total += len(a)
        status = "same" if a == b else "DIFFERENT"
        differ += a != b
        print(f"  {status:<9} {len(a):>3} findings  {path.relative_to(ROOT)}")
        for rule, pointer in sorted(a - b):
            print(f"      only budgetlint: {rule} {pointer}")
        for rule, pointer in sorted(b - a):
            print(f"      only Rego:       {rule} {pointer}")
    print(f"  {total} findings on {len(samples())} documents; documents that differ: {differ}")
    cases, found, case_differ = case_documents(), 0, 0
    for name, doc in cases:
        a, b = ours(doc, rulebook), rego_findings(rego, rego_input(doc))
        found += len(a)
        if a != b:
            case_differ += 1
            print(f"  DIFFERENT {name}: only budgetlint {sorted(a - b)}, only Rego {sorted(b - a)}")
    print(f"  {found} findings on the documents of {len(cases)} rule cases; cases that differ: {case_differ}")
    differ += case_differ

    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()
    doc = load_path(str(args.sample))
    text = rego_input(doc)
    runs = args.runs
    ms_ours = median_ms(lambda: rule_findings(doc, rulebook), runs * 10)

    def rego_both():
        rego.set_input_term(text)
        rego.query(QUERY)

    ms_rego = median_ms(rego_both, runs)
    rego.set_input_term(text)
    ms_query = median_ms(lambda: rego.query(QUERY), runs)
    print(f"warm, {args.sample.name}, median of runs (one process):")
    print(f"  budgetlint, the {len(TEN)} rules: {ms_ours:.3f} ms")
    print(f"  Rego (regopy), set input + query: {ms_rego:.2f} ms (query alone {ms_query:.2f} ms)")
    print(f"  ratio Rego ÷ budgetlint: {ms_rego / ms_ours:.1f}× (query alone {ms_query / ms_ours:.1f}×)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
