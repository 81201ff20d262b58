"""Mutation testing of the rule cases: can a rule's cases tell it from a weakened copy of it?

    python bench/mutants.py [--rule ID ...] [--group arithmetic ...] [--json]

For each rule of rules/*.rules (or only those named), makes mutants of its text, one change
each: a comparison flipped or loosened (< ↔ <=, > ↔ >=, == ↔ !=), a numeric literal changed (an
integer ±1, a decimal ×10 or ×0), a ± tolerance ×100 or ×0, `and` ↔ `or`, a `not` (or the `not`
of `not in`) removed, a `when` guard dropped. Each mutant's rule file is written into a temporary
copy of rules/ and loaded from there; the cases that name the rule (any *.cases.yaml) then run
in-process with the API `budgetlint test` uses. A mutant is killed when a case fails, or by the
loader when it does not parse or has static errors; otherwise it survived. Reports per rule the
mutants made, killed and survived, and each survivor as `rule id, line: original → mutated`.
A template's mutants count as its own entry ("template NAME"), tried on the cases of every rule
made from it. A few minutes for the whole rulebook. Definitions (`def`) are mutated only with
--defs ("def NAME", tried on the cases of every rule that calls it, directly or not): slow, as a
shared definition is called by most rules.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["BUDGETLINT_NO_CACHE"] = "1"  # thousands of mutated rulebooks: keep them out of the cache

from lark import Token, Tree  # noqa: E402

from budgetlint.cases import case_files, load_cases, run_case  # noqa: E402
from budgetlint.dsl.parser import RuleSyntaxError, _lark, parse_rules  # noqa: E402
from budgetlint.rulebook import build, load_rulebook  # noqa: E402
from budgetlint.schema import load_schema  # noqa: E402

RULES = ROOT / "rules"
FLIP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}


def _span(node) -> tuple[int, int]:
    if isinstance(node, Token):
        return node.start_pos, node.end_pos
    return node.meta.start_pos, node.meta.end_pos


def _edits(tree: Tree, text: str):
    """(start, end, replacement) for every mutation inside a rule's parse tree."""
    src = lambda n: text[slice(*_span(n))]  # noqa: E731
    for node in tree.iter_subtrees():
        kids = node.children
        if node.data in ("compare", "compare_tol"):
            op = kids[1]
            yield op.start_pos, op.end_pos, FLIP[str(op)]
            if node.data == "compare_tol":
                start, end = _span(kids[4])
                for factor in ("100", "0"):
                    yield start, end, f"({src(kids[4])}) * {factor}"
        elif node.data in ("and_", "or_"):
            other = "or" if node.data == "and_" else "and"
            yield *_span(node), f"(({src(kids[0])}) {other} ({src(kids[1])}))"
        elif node.data == "not_":
            yield *_span(node), f"({src(kids[0])})"
        elif node.data == "not_in":
            yield *_span(node), f"(({src(kids[0])}) in ({src(kids[1])}))"
        elif node.data == "when_stmt":
            yield *_span(node), ""
        elif node.data == "number":
            tok = kids[0]
            if "." in tok:
                news = [str(Decimal(str(tok)) * 10), "0"]
            else:
                news = [str(int(tok) + 1), str(int(tok) - 1)]
            for new in news:
                yield tok.start_pos, tok.end_pos, new


def _rules_in(text: str, defs: bool = False):
    """(rule id, start, end, parse tree) of every rule of a rule file's text, and of every
    template as ("template NAME", …): a template's mutants are tried on the rules made from it;
    with defs, every definition too ("def NAME"), tried on the rules that call it."""
    for item in _lark().parse(text, start="start").children:
        if item.data == "rule":
            yield str(item.children[0]), item.meta.start_pos, item.meta.end_pos, item
        elif item.data == "template":
            yield f"template {item.children[0]}", item.meta.start_pos, item.meta.end_pos, item
        elif item.data == "define" and defs:
            yield f"def {item.children[0]}", item.meta.start_pos, item.meta.end_pos, item


def _describe(text: str, start: int, end: int, new: str) -> tuple[int, str, str]:
    """The line of a change and the source around it (up to 60 characters each side), before and after."""
    left = max(text.rfind("\n", 0, start) + 1, start - 60)
    right = text.find("\n", end)
    right = min(right if right >= 0 else len(text), end + 60)
    short = lambda s: " ".join(s.split()) or "(dropped)"  # noqa: E731
    before, after = text[left:right], text[left:start] + new + text[end:right]
    return text.count("\n", 0, start) + 1, short(before), short(after)


class Harness:
    def __init__(self, tmp: Path):
        self.tmp = tmp / "rules"
        shutil.copytree(RULES, self.tmp)
        self.schema = load_schema()
        self.base = load_rulebook([RULES], self.schema)
        self.parsed = {
            f.name: parse_rules(f.read_text("utf-8"), f"rules/{f.name}") for f in RULES.glob("*.rules")
        }
        self.cases = [c for f in case_files([RULES]) for c in load_cases(f)]

    def cases_of(self, rule_id: str, file: str = ""):
        if rule_id.startswith("template "):
            made = self.made_from(rule_id.split()[1])
            return [c for c in self.cases if made & set(c.rules)]
        if rule_id.startswith("def "):
            users = self.callers(file, rule_id.split()[1])
            return [c for c in self.cases if users & set(c.rules)]
        return [c for c in self.cases if rule_id in c.rules]

    def callers(self, file: str, name: str) -> set[str]:
        """The ids of the rules that call a definition of a file, directly or through others."""
        from budgetlint.dsl.modules import _calls, link, module_name

        if not hasattr(self, "_calls_of"):
            linked = link(list(self.parsed.values()))
            direct = {q: {c.func for c in _calls(d.body)} for q, d in linked.defines.items()}
            self._calls_of = {}
            for rule in linked.rules:
                seen, stack = set(), [c.func for c in _calls(rule.steps)]
                while stack:
                    q = stack.pop()
                    if q in direct and q not in seen:
                        seen.add(q)
                        stack.extend(direct[q])
                self._calls_of[rule.id] = seen
        qualified = f"{module_name(file)}.{name}"
        return {rid for rid, called in self._calls_of.items() if qualified in called}

    def made_from(self, template: str) -> set[str]:
        """The ids of the rules made from a template (by its name, in any file)."""
        return {
            r.id for rf in self.parsed.values() for r in rf.rules if r.template and r.template[0] == template
        }

    def killed_template(self, file: Path, item: str, start: int, end: int, mutated_item: str) -> str | None:
        """As killed(), for a mutant of a template ("template NAME") or a definition ("def NAME"):
        the whole rulebook is built again with it and the cases of every rule made from it (or
        calling it) run."""
        text = file.read_text("utf-8")
        mutated = text[:start] + mutated_item + text[end:]
        try:
            alone = parse_rules(mutated, f"rules/{file.name}")
        except RuleSyntaxError:
            return "loader"
        parsed = [p for n, p in self.parsed.items() if n != file.name] + [alone]
        compiled, problems = build(parsed, self.schema)
        if problems:
            return "loader"
        kind, name = item.split()
        made = self.made_from(name) if kind == "template" else self.callers(file.name, name)
        mutants = {r.info.id: r for r in compiled if r.info.id in made}
        rulebook = self.base._replace(rules=tuple(mutants.get(r.info.id, r) for r in self.base.rules))
        return self.failing_case(self.cases_of(item, file.name), rulebook)

    @staticmethod
    def failing_case(cases, rulebook) -> str | None:
        """'case NAME' of the first case that fails (or crashes) with the rulebook; None if none."""
        for case in cases:
            try:
                if not run_case(case, rulebook).passed:
                    return f"case {case.name}"
            except Exception as err:  # a crash tells the mutant apart too
                return f"case {case.name} ({type(err).__name__})"
        return None

    def killed(self, file: Path, rule_id: str, start: int, end: int, mutated_rule: str) -> str | None:
        """How the mutant was killed ('loader', 'case NAME'), or None if it survived."""
        text = file.read_text("utf-8")
        mutated = text[:start] + mutated_rule + text[end:]
        target = self.tmp / file.name
        target.write_text(mutated, "utf-8")
        try:
            # only the mutated rule is parsed again: the rest of the file is blanked, lines kept
            blank = "".join(ch if ch == "\n" else " " for ch in mutated[:start])
            try:
                alone = parse_rules(
                    blank + target.read_text("utf-8")[start:][: len(mutated_rule)], f"rules/{file.name}"
                )
            except RuleSyntaxError:
                return "loader"
            # the mutated rule alone, beside every file without its rules: its file's definitions,
            # templates and imports stay where they are, so it sees the names it saw
            own = self.parsed[file.name]
            parsed = [p._replace(rules=()) for p in self.parsed.values()]
            parsed.append(alone._replace(defines=(), templates=(), imports=own.imports))
            compiled, problems = build(parsed, self.schema)
            if problems or not compiled:
                return "loader"
            rules = tuple(compiled[0] if r.info.id == rule_id else r for r in self.base.rules)
            return self.failing_case(self.cases_of(rule_id), self.base._replace(rules=rules))
        finally:
            target.write_text(text, "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rule", nargs="+", default=[], help="only these rule ids")
    parser.add_argument(
        "--group", nargs="+", default=[], help="only these rule files (arithmetic, rules/yoy.rules …)"
    )
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    parser.add_argument(
        "--defs", action="store_true", help="mutate definitions too (tried on the rules calling them; slow)"
    )
    args = parser.parse_args()
    groups = {Path(g).name.removesuffix(".rules") for g in args.group}

    report = []
    with tempfile.TemporaryDirectory() as tmp:
        harness = Harness(Path(tmp))
        for file in sorted(RULES.glob("*.rules")):
            if groups and file.stem not in groups:
                continue
            text = file.read_text("utf-8")
            for rule_id, start, end, tree in _rules_in(text, args.defs):
                if args.rule and rule_id not in args.rule:
                    continue
                rule_text = text[start:end]
                seen, made, survivors, by_loader = set(), 0, [], 0
                for a, b, new in _edits(tree, text):
                    mutated = rule_text[: a - start] + new + rule_text[b - start :]
                    if mutated in seen or mutated == rule_text:
                        continue
                    seen.add(mutated)
                    made += 1
                    if rule_id.startswith(("template ", "def ")):
                        how = harness.killed_template(file, rule_id, start, end, mutated)
                    else:
                        how = harness.killed(file, rule_id, start, end, mutated)
                    by_loader += how == "loader"
                    if how is None:
                        line, before, after = _describe(text, a, b, new)
                        survivors.append({"line": line, "original": before, "mutated": after})
                report.append(
                    {
                        "rule": rule_id,
                        "file": f"rules/{file.name}",
                        "cases": len(harness.cases_of(rule_id, file.name)),
                        "mutants": made,
                        "killed": made - len(survivors),
                        "killed_by_loader": by_loader,
                        "survived": len(survivors),
                        "survivors": survivors,
                    }
                )
                if not args.json:
                    r = report[-1]
                    print(
                        f"{rule_id:10} {r['cases']:3} cases  {made:3} mutants  {r['killed']:3} killed"
                        f" ({by_loader} by the loader)  {len(survivors):3} survived",
                        flush=True,
                    )
                    for s in sorted(survivors, key=lambda s: s["line"]):
                        print(
                            f"    {rule_id}, line {s['line']}: {s['original']}  →  {s['mutated']}", flush=True
                        )
    total = sum(r["mutants"] for r in report)
    killed = sum(r["killed"] for r in report)
    if args.json:
        print(json.dumps({"mutants": total, "killed": killed, "rules": report}, ensure_ascii=False, indent=1))
    else:
        print(f"\n{len(report)} rules: {killed}/{total} mutants killed, {total - killed} survived")


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:  # `python bench/mutants.py | head`: the reader has what it wanted
        sys.stderr.close()
        sys.exit(0)
