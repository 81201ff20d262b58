"""The rulebook linter (`budgetlint lint-rules`, docs/lint-rules.md): checks of rule files that the
loader does not make, about how a rule reads and is tested rather than whether it runs.

lint_sources() lints parsed texts; lint_paths() finds the rule files and case files of paths first.
Every check works on the parsed AST (budgetlint/dsl/ast.py) of the files as written, before the
loader links them, so a finding's file:line:col is the author's own.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from budgetlint.lint.model import CHECKS, LintFinding, codes_of

__all__ = ["CHECKS", "LintError", "LintFinding", "codes_of", "lint_paths", "lint_sources"]

DEFAULT_LINE_LENGTH = 120


class LintError(Exception):
    """Files that cannot be linted (a syntax error, an unreadable file, a bad case file): problems
    lists each one, rendered as the loader renders it (file:line:col and a caret)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def lint_sources(
    sources: list[tuple[str, str]],
    cases: list | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    line_length: int = DEFAULT_LINE_LENGTH,
) -> list[LintFinding]:
    """The findings of rule files given as (name, text), sorted by file, line, column and code.
    cases (budgetlint.cases.Case) are those the rules' tests are looked for in; None: the
    untested-rule check is not made. select: only these codes (all if empty); ignore: not these.
    LintError if a file does not parse."""
    from budgetlint.lint import positional, rules, text, usage
    from budgetlint.rulebook import parse_sources

    # through the cache of parsed rule files that every command shares: Lark is most of the time
    parsed, problems = parse_sources([(name, content.encode("utf-8")) for name, content in sources], [])
    if problems:
        raise LintError(problems)
    wanted = set(select) or {c.code for c in CHECKS}
    wanted -= set(ignore)
    found: list[LintFinding] = []
    if "BL001" in wanted:
        for name, content in sources:
            found += text.long_lines(name, content, line_length)
    checks = {
        "BL002": positional.positional_reads,
        "BL003": usage.unused_definitions,
        "BL004": usage.unused_lets,
        "BL006": rules.near_duplicates,
        "BL007": text.messages_without_figure,
    }
    for code, check in checks.items():
        if code in wanted:
            found += check(parsed)
    if {"BL008", "BL009"} & wanted:
        found += usage.shadowed_builtins(parsed)
    if "BL005" in wanted and cases is not None:
        found += rules.untested_rules(parsed, cases)
    silenced = {name: text.ignored(content) for name, content in sources}
    kept = {f for f in found if f.code in wanted and f.code not in silenced.get(f.file, {}).get(f.line, ())}
    return sorted(kept, key=lambda f: (f.file, f.line, f.column, f.code, f.message))


def lint_paths(paths: Iterable[Path], display=str, **options) -> list[LintFinding]:
    """lint_sources() of the rule files (*.rules) under paths (folders are searched), with the cases
    of the *.cases.yaml files under the folders and beside the files. LintError for a path that is
    not a rule file or folder, a file that cannot be read or parsed, a case file that cannot be used."""
    from budgetlint.cases import CaseError, case_files, load_cases
    from budgetlint.rulebook import RulebookError, rule_files

    paths = [Path(p) for p in paths]
    try:
        files = rule_files(paths)
    except RulebookError as err:
        raise LintError(err.problems) from None
    sources, problems = [], []
    for f in files:
        try:
            sources.append((display(f), f.read_text(encoding="utf-8")))
        except UnicodeDecodeError:
            problems.append(f"{display(f)}: a rule file must be UTF-8")
        except OSError as err:
            problems.append(f"{display(f)}: cannot read rule file: {err.strerror}")
    found: dict[Path, Path] = {}
    for p in paths:
        for f in case_files([p]) if p.is_dir() else sorted(p.parent.glob("*.cases.yaml")):
            found.setdefault(f.resolve(), f)
    cases = []
    for path in found.values():
        try:
            cases += load_cases(path)
        except CaseError as err:
            problems.append(err.render())
    if problems:
        raise LintError(problems)
    return lint_sources(sources, cases, **options)
