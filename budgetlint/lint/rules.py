"""Whole rules: BL005 untested-rule (a failing and a passing case each) and BL006 near-duplicate
(two rules whose steps are one template's)."""

from __future__ import annotations

from budgetlint.dsl import ast
from budgetlint.lint.model import LintFinding, at
from budgetlint.lint.walk import is_node

NAME, LITERAL = "<name>", "<literal>"


def untested_rules(parsed: list[ast.RuleFile], cases: list) -> list[LintFinding]:
    """A rule needs a failing case (one whose expect, or else expect_new, lists a finding of it) and
    a passing case (one whose expect, or else expect_new, lists none of it) among cases
    (budgetlint.cases.Case) that name it."""
    failing: set[str] = set()
    passing: set[str] = set()
    for case in cases:
        expected = case.expect if case.expect is not None else case.expect_new or ()
        flagged = {rule for rule, _pointer in expected}
        for rule in case.rules:
            (failing if rule in flagged else passing).add(rule)
    found = []
    for rf in parsed:
        for rule in rf.rules:
            lacks = [w for w, have in (("failing", failing), ("passing", passing)) if rule.id not in have]
            if lacks:
                what = " and a ".join(lacks)
                found.append(
                    at(
                        rule.span,
                        "BL005",
                        f"rule {rule.id} has no {what} case in the *.cases.yaml files linted "
                        "(failing: its expect lists a finding of the rule; passing: none)",
                    )
                )
    return found


def skeleton(value):
    """A node with its names (bound, read or fields) and its literal strings and numbers replaced by
    placeholders, spans dropped: what is left is the structure."""
    kind = type(value)
    if kind is ast.Span:
        return None
    if kind is ast.Name:
        return ("Name", NAME)
    if kind is ast.Literal:
        v = value.value
        return (
            "Literal",
            LITERAL if isinstance(v, str) or (v is not None and not isinstance(v, bool)) else v,
        )
    if kind is ast.Attr:
        return ("Attr", skeleton(value.base), NAME)
    if kind is ast.Comprehension:
        return ("Comprehension", skeleton(value.expr), NAME, skeleton(value.source), skeleton(value.test))
    if kind is ast.RecordLit:
        return ("RecordLit", tuple((NAME, skeleton(e)) for _name, e in value.fields))
    if kind is ast.Let:
        return ("Let", bool(value.name), len(value.unpack or ()), skeleton(value.value))
    if kind is ast.For:
        return ("For", bool(value.index), len(value.unpack or ()), skeleton(value.source))
    if kind is ast.Check:  # its message is wording: a template's parameter
        return ("Check", skeleton(value.test), skeleton(value.at))
    if is_node(value):
        return (kind.__name__, *(skeleton(v) for v in value[1:]))
    if isinstance(value, tuple):
        return tuple(skeleton(v) for v in value)
    return value


def near_duplicates(parsed: list[ast.RuleFile]) -> list[LintFinding]:
    first: dict = {}
    found = []
    for rf in parsed:
        for rule in rf.rules:
            if rule.template is not None or not rule.steps:
                continue  # made from a template already
            key = skeleton(rule.steps)
            if key not in first:
                first[key] = rule
                continue
            other = first[key]
            found.append(
                at(
                    rule.span,
                    "BL006",
                    f"rule {rule.id} has the steps of rule {other.id} ({other.span}) but for names and "
                    "literals; make one template of them: template name(params) { … }, then "
                    f"rule {other.id} = name(…) {{ … }} and rule {rule.id} = name(…) {{ … }}",
                )
            )
    return found
