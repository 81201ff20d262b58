"""The checks of `budgetlint lint-rules` (their codes, names and descriptions) and what they find."""

from __future__ import annotations

from typing import NamedTuple


class Check(NamedTuple):
    code: str
    name: str
    severity: str  # "error": the loader refuses the file; "warning": it loads, but reads badly
    description: str


CHECKS: tuple[Check, ...] = (
    Check("BL001", "line-length", "warning", "a line longer than the limit (default 120 characters)"),
    Check(
        "BL002",
        "positional-read",
        "warning",
        "a literal index x[0] into a list the rules build, where a record belongs",
    ),
    Check(
        "BL003", "unused-definition", "warning", "a def or template that nothing calls and no file imports"
    ),
    Check("BL004", "unused-let", "warning", "a let name that no later step or message reads"),
    Check(
        "BL005",
        "untested-rule",
        "warning",
        "a rule without a failing and a passing case in the *.cases.yaml files",
    ),
    Check("BL006", "near-duplicate", "warning", "two rules whose steps differ only in names and literals"),
    Check(
        "BL007",
        "message-without-figure",
        "warning",
        "a message with no {…} hole naming the figure it is about",
    ),
    Check("BL008", "shadowed-builtin", "error", "a def or template named like a built-in function"),
    Check(
        "BL009",
        "builtin-name-bound",
        "warning",
        "a let, for, comprehension or parameter name equal to a builtin's",
    ),
)
BY_CODE = {c.code: c for c in CHECKS}
BY_NAME = {c.name: c for c in CHECKS}


class LintFinding(NamedTuple):
    file: str
    line: int
    column: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"


def at(span, code: str, message: str) -> LintFinding:
    """A finding at an AST span (budgetlint.dsl.ast.Span)."""
    return LintFinding(span.file, span.line, span.column, code, message)


def codes_of(values, option: str) -> set[str]:
    """The codes named by --select / --ignore values: codes or check names, comma-separated.
    ValueError for a name that is neither."""
    out = set()
    for value in values:
        for word in (w.strip() for w in value.split(",")):
            if not word:
                continue
            check = BY_CODE.get(word.upper()) or BY_NAME.get(word.lower())
            if check is None:
                known = ", ".join(f"{c.code} ({c.name})" for c in CHECKS)
                raise ValueError(f"{option}: no check '{word}'; the checks are {known}")
            out.add(check.code)
    return out
