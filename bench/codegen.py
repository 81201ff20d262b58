"""What would generated Python give for the whole rulebook? Every rule generated as Python source
from its AST, exec-ed once, checked against the compiled closures, then timed against them.

    python bench/codegen.py [--runs N] [--per-rule] [--instructions] [--dump FILE]

For measurement only: the product forbids eval/exec of Python (docs/adr-001-evaluation.md).
The generator (bench/codegen_emit.py) turns each rule of the built-in rulebook — the same parsed,
cached AST the product compiles, with the definitions of all rule files — into one function
`rule_<n>(doc, settings, memo, pointers)` giving the same hits (JSON Pointer and message) as the
compiled rule, with the same semantics (null propagation, Decimal arithmetic, `±`, three-valued
`and`/`or`, builtins from budgetlint.dsl.functions.BUILTINS, zero-argument definitions once per
document in the memo). A rule it cannot generate, or whose findings differ, keeps its closure and
counts as not generated. A type error raises RuleTypeError from the generated function (caught per
rule, as the engine catches it, but without the rule file's line).

1. Equality: on the seed, both correct samples and every document of samples/broken/, each rule's
   hits (pointer and message) from its generated function against its compiled closure, and the
   set of (rule id, pointer) of the whole check (budgetlint.engine.rule_findings) against the same
   check with the generated functions.
2. Timing, in one warm process, interleaved (median of N rounds): all rules on the seed through
   rule_findings with the closures and with the generated functions (findings located as the
   engine does), and the full pipeline (load + validate + rules) with each.
   --per-rule: the costliest rules, closure against generated (best of N).
   --instructions: the same two pipelines counted by valgrind (callgrind), as bench/instructions.py.
3. Coverage: rules generated / rules in the rulebook.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from codegen_emit import Generator, Unsupported  # noqa: E402

from budgetlint.dsl.rules import CompiledRule, Pointers, RuleInfo  # noqa: E402
from budgetlint.dsl.scope import RuntimeRuleError  # noqa: E402
from budgetlint.dsl.values import RuleTypeError  # noqa: E402
from budgetlint.engine import DEFAULT_SETTINGS, Settings, rule_findings  # noqa: E402
from budgetlint.findings import Finding  # noqa: E402
from budgetlint.loader import Document, load_bytes  # noqa: E402
from budgetlint.profiles import applies  # noqa: E402

SAMPLES = ROOT / "samples"
SEED = SAMPLES / "xunwu-2023-social-insurance.json"


class Entry(NamedTuple):
    info: RuleInfo
    closure: CompiledRule
    generated: object  # the generated function, or None: the closure is used


class Generated(NamedTuple):
    rulebook: object
    entries: list[Entry]
    source: str
    not_generated: dict[str, str]  # rule id → why


def generate(dump: Path | None = None) -> Generated:
    """The built-in rulebook compiled (as the product does) and generated (as Python source)."""
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook, parse_files, rule_files
    from budgetlint.schema import load_schema

    rulebook = load_rulebook([rules_dir()], load_schema())
    parsed, problems = parse_files(rule_files([rules_dir()]))
    assert not problems, problems
    defines = {d.name: d for rf in parsed for d in rf.defines}
    nodes = {r.id: r for rf in parsed for r in rf.rules}
    gen = Generator(defines)
    rule_sources: dict[str, tuple[str, str]] = {}  # rule id → (function name, source)
    not_generated: dict[str, str] = {}
    for n, rule in enumerate(rulebook.rules):
        fname = f"rule_{n}"
        try:
            source = gen.rule(nodes[rule.info.id], fname)
            compile(source, fname, "exec")  # a function that does not compile is not generated
        except (Unsupported, SyntaxError) as err:
            gen.fn = None
            not_generated[rule.info.id] = f"{type(err).__name__}: {err}"
            continue
        rule_sources[rule.info.id] = (fname, source)
    source = "\n\n".join([*gen.sources, *(s for _, s in rule_sources.values())])
    if dump:
        dump.write_text(source, encoding="utf-8")
    namespace = gen.namespace
    exec(compile(source, str(dump or "<generated rules>"), "exec"), namespace)  # measurement only
    entries = [
        Entry(r.info, r, namespace[rule_sources[r.info.id][0]] if r.info.id in rule_sources else None)
        for r in rulebook.rules
    ]
    return Generated(rulebook, entries, source, not_generated)


def generated_findings(doc: Document, entries: list[Entry], settings: Settings = DEFAULT_SETTINGS):
    """budgetlint.engine.rule_findings, with each rule's generated function where there is one."""
    if not isinstance(doc.data, dict):
        return []
    data = doc.data
    pointers = Pointers(data)
    memo = pointers.memo
    profile = settings.profile_of(data)
    values = settings.for_rules()
    out = []
    for info, closure, fn in entries:
        if not applies(info.profiles, profile):
            continue
        try:
            hits = (
                fn(data, values, memo, pointers)
                if fn is not None
                else list(closure.evaluate(data, pointers, values))
            )
        except (RuntimeRuleError, RuleTypeError) as err:
            out.append(Finding(info.file, info.line, 1, "rule-error", "error", f"{info.id}: {err}"))
            continue
        for hit in hits:
            line, col = doc.position(hit.pointer)
            out.append(
                Finding(doc.name, line, col, info.id, info.severity, hit.message, hit.pointer, info.title_en)
            )
    return out


def _outcome(run) -> tuple:
    try:
        return ("hits", sorted((h.pointer, h.message) for h in run()))
    except (RuntimeRuleError, RuleTypeError) as err:
        return ("type error", str(err))


def check_equal(gen: Generated) -> list[str]:
    """Each rule's hits, generated against compiled, on every sample: the rules that differ."""
    paths = [SEED, SAMPLES / "correct-department-2024.json", SAMPLES / "correct-unit-2024.yaml"]
    paths += sorted((SAMPLES / "broken").glob("*.json"))
    settings = DEFAULT_SETTINGS.for_rules()
    differ: dict[str, str] = {}
    compared = findings = 0
    for path in paths:
        doc = load_bytes(path.read_bytes(), path.name)
        ours, theirs = Pointers(doc.data), Pointers(doc.data)
        for entry in gen.entries:
            if entry.generated is None:
                continue
            data = doc.data
            closure = _outcome(lambda e=entry, d=data, p=theirs: e.closure.evaluate(d, p, settings))
            generated = _outcome(lambda e=entry, d=data, p=ours: e.generated(d, settings, p.memo, p))
            compared += 1
            findings += len(closure[1]) if closure[0] == "hits" else 0
            if closure != generated and entry.info.id not in differ:
                if closure[0] == generated[0] == "hits" and [p for p, _ in closure[1]] == [
                    p for p, _ in generated[1]
                ]:
                    what = "messages differ"
                else:
                    what = f"closure {closure} ≠ generated {generated}"
                differ[entry.info.id] = f"{path.name}: {what}"
        # the whole check, as the engine reports it: the set of (rule id, pointer)
        expected = {(f.rule, f.pointer, f.message) for f in rule_findings(doc, gen.rulebook)}
        got = {(f.rule, f.pointer, f.message) for f in generated_findings(doc, gen.entries)}
        if {x[:2] for x in expected} != {x[:2] for x in got}:
            print(f"  {path.name}: (rule, pointer) sets differ: {sorted(expected ^ got)[:6]}")
    print(f"equality: {len(paths)} documents, {compared} rule runs ({findings} hits) compared")
    for rule_id, why in differ.items():
        print(f"  {rule_id} differs: {why[:300]}")
    if not differ:
        print("  every generated rule gives the same pointers and messages as its closure")
    return list(differ)


def _rounds(fns: dict, runs: int) -> dict[str, float]:
    """Median ms of each function, run in turn (interleaved: the machine's noise hits all alike)."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) * 1000 for name, t in times.items()}


def measure(gen: Generated, runs: int) -> None:
    from budgetlint.cli import GC_THRESHOLDS
    from budgetlint.schema import validate

    gc.set_threshold(*GC_THRESHOLDS)  # the collector as `budgetlint check` sets it
    gc.freeze()
    raw = SEED.read_bytes()
    doc = load_bytes(raw, SEED.name)
    rulebook, entries = gen.rulebook, gen.entries

    def full(find, rules):
        d = load_bytes(raw, SEED.name)
        if not validate(d.data):
            find(d, rules)

    closures_only = [e._replace(generated=None) for e in entries]
    fns = {
        "rules, closures": lambda: rule_findings(doc, rulebook),
        "rules, generated": lambda: generated_findings(doc, entries),
        "rules, closures (engine loop of this script)": lambda: generated_findings(doc, closures_only),
        "pipeline, closures": lambda: full(rule_findings, rulebook),
        "pipeline, generated": lambda: full(generated_findings, entries),
    }
    ms = _rounds(fns, runs)
    print(f"warm, seed, {len(entries)} rules, median of {runs} interleaved rounds (ms per document):")
    for name, value in ms.items():
        print(f"  {name:<46} {value:6.2f}")
    for what in ("rules", "pipeline"):
        ratio = ms[f"{what}, closures"] / ms[f"{what}, generated"]
        print(f"  ratio {what:<8} closures ÷ generated: {ratio:.2f}")
    if gen.not_generated:  # the generated subset alone, against the same rules' closures
        subset = [e for e in entries if e.generated is not None]
        sub = _rounds(
            {
                "closures": lambda: generated_findings(doc, [e._replace(generated=None) for e in subset]),
                "generated": lambda: generated_findings(doc, subset),
            },
            runs,
        )
        print(
            f"  the {len(subset)} generated rules alone: closures {sub['closures']:.2f} ms, "
            f"generated {sub['generated']:.2f} ms, ratio {sub['closures'] / sub['generated']:.2f}"
        )


def per_rule(gen: Generated, runs: int, top: int = 15) -> None:
    data = load_bytes(SEED.read_bytes(), SEED.name).data
    pointers = Pointers(data)
    settings = DEFAULT_SETTINGS.for_rules()
    rows = []
    for entry in gen.entries:
        if entry.generated is None:
            continue
        best = [float("inf"), float("inf")]
        for _ in range(runs):
            for k, run in enumerate(
                (
                    lambda e=entry: list(e.closure.evaluate(data, pointers, settings)),
                    lambda e=entry: e.generated(data, settings, pointers.memo, pointers),
                )
            ):
                pointers.memo = {}
                start = time.perf_counter()
                run()
                best[k] = min(best[k], time.perf_counter() - start)
        rows.append((best[0] * 1000, best[1] * 1000, entry.info.id))
    print(
        f"per rule (best of {runs}, memo recomputed), sums: closures {sum(r[0] for r in rows):.2f} ms, "
        f"generated {sum(r[1] for r in rows):.2f} ms; the costliest:"
    )
    for closure, generated, rule_id in sorted(rows, reverse=True)[:top]:
        print(f"  {rule_id:<10} {closure:.3f} → {generated:.3f} ms  ({closure / generated:.1f}×)")


# --- instructions (valgrind) ---------------------------------------------------------------------
PYTHON = sys.executable if sys.prefix != sys.base_prefix else os.path.realpath(sys.executable)


def workload(mode: str, docs: int) -> None:
    """Run by --instructions under valgrind: generate, then check the seed 1 + docs times."""
    from budgetlint.schema import validate

    gen = generate()
    raw = SEED.read_bytes()
    find, rules = (rule_findings, gen.rulebook) if mode == "closures" else (generated_findings, gen.entries)

    def once():
        d = load_bytes(raw, SEED.name)
        if not validate(d.data):
            find(d, rules)

    once()
    for _ in range(docs):
        once()


def instructions(docs: int) -> None:
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed")
        return

    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]

    def count(mode: str, n: int) -> int:
        proc = subprocess.run(
            [*valgrind, PYTHON, __file__, "--workload", mode, str(n)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        return int(re.search(r"Collected : (\d+)", proc.stderr).group(1))

    per_doc = {m: (count(m, docs) - count(m, 0)) / docs / 1e6 for m in ("closures", "generated")}
    print(
        f"instructions per document (load + validate + rules, valgrind): closures "
        f"{per_doc['closures']:.1f} M, generated {per_doc['generated']:.1f} M, "
        f"ratio {per_doc['closures'] / per_doc['generated']:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=150, help="timing rounds (median)")
    parser.add_argument("--per-rule", action="store_true", help="also time the costliest rules one by one")
    parser.add_argument("--instructions", action="store_true", help="also count instructions (valgrind)")
    parser.add_argument("--docs", type=int, default=5, help="documents per valgrind run")
    parser.add_argument("--dump", type=Path, help="write the generated module's source there")
    parser.add_argument("--workload", nargs=2, metavar=("MODE", "DOCS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        workload(args.workload[0], int(args.workload[1]))
        return
    gen = generate(args.dump)
    differ = check_equal(gen)
    if differ:  # a rule whose findings differ keeps its closure: it does not count as generated
        gen.not_generated.update({r: "findings differ from the closure's" for r in differ})
        entries = [e._replace(generated=None) if e.info.id in differ else e for e in gen.entries]
        gen = gen._replace(entries=entries)
    total = len(gen.entries)
    made = sum(e.generated is not None for e in gen.entries)
    print(f"coverage: {made} of {total} rules generated ({gen.source.count(chr(10))} lines of Python)")
    for rule_id, why in gen.not_generated.items():
        print(f"  not generated: {rule_id}: {why}")
    measure(gen, args.runs)
    if args.per_rule:
        per_rule(gen, max(args.runs // 5, 5))
    if args.instructions:
        instructions(args.docs)


if __name__ == "__main__":
    main()
