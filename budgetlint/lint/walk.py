"""Walking the rule language's AST (budgetlint/dsl/ast.py) as the checks need it: the nodes under a
node, the names an expression reads, the expressions of a step, the bodies of a file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from budgetlint.dsl import ast


def is_node(value) -> bool:
    return isinstance(value, tuple) and hasattr(value, "_fields") and type(value) is not ast.Span


def children(node) -> Iterator:
    """The nodes directly under a node (inside its tuples too: a call's arguments, a record's
    fields, a message's holes)."""
    stack = [v for v in reversed(node[1:]) if isinstance(v, tuple)]
    while stack:
        value = stack.pop()
        if is_node(value):
            yield value
        elif isinstance(value, tuple) and type(value) is not ast.Span:
            stack.extend(v for v in reversed(value) if isinstance(v, tuple))


def nodes(node) -> Iterator:
    """Every node under and including node, parents first."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(list(children(n))))


def free_names(node) -> set[str]:
    """The names an expression (or message) reads, not counting those its comprehensions bind."""
    out: set[str] = set()

    def visit(n, bound: frozenset):
        if type(n) is ast.Name:
            if n.name not in bound:
                out.add(n.name)
        elif type(n) is ast.Comprehension:
            visit(n.source, bound)
            inner = bound | {n.name}
            visit(n.expr, inner)
            if n.test is not None:
                visit(n.test, inner)
        else:
            for c in children(n):
                visit(c, bound)

    visit(node, frozenset())
    return out


def step_expressions(step) -> tuple:
    """The expressions (and messages) of a step, in the order they are read."""
    kind = type(step)
    if kind is ast.For:
        return (step.source,)
    if kind is ast.Let:
        return (step.value,)
    if kind is ast.When:
        return (step.test,)
    return tuple(e for e in (step.test, step.at, step.message, step.message_en) if e is not None)


def bound_names(step) -> tuple[str, ...]:
    """The names a `for` or `let` binds."""
    if type(step) is ast.For:
        return tuple(n for n in (step.index, step.name, *(step.unpack or ())) if n)
    if type(step) is ast.Let:
        return tuple(n for n in (step.name, *(step.unpack or ())) if n)
    return ()


class Body(NamedTuple):
    """Steps to check: a rule's, or a template's (whose parameters are bound before them)."""

    label: str  # "rule ARITH-01", "template at_most"
    span: ast.Span
    steps: tuple
    params: tuple[str, ...] = ()


def bodies(rf: ast.RuleFile) -> list[Body]:
    out = [Body(f"rule {r.id}", r.span, r.steps) for r in rf.rules if r.template is None]
    out += [Body(f"template {t.name}", t.span, t.body.steps, t.params) for t in rf.templates]
    return out


def literal_index(selector) -> int | None:
    """n when a selector is a literal whole number (`[0]`, `[-1]`), else None."""
    negate = type(selector) is ast.Neg
    if negate:
        selector = selector.operand
    if type(selector) is not ast.Literal or isinstance(selector.value, bool | str) or selector.value is None:
        return None
    return -int(selector.value) if negate else int(selector.value)


_HOLE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")  # as the parser finds a message's holes
