"""BL002 positional-read: `check[0]` where check is a list the rules build themselves (a tuple whose
positions mean something only to the writer) — where a record with named fields belongs.

A small shape inference tells such a tuple from a list of the document (`tables.revenue.rows[0]`,
`items[-1]`, never flagged): a list literal is a tuple; a name bound by `let` to one, or by `for` or a
comprehension to an element of a list of them, is one; so is what a definition whose body is one
returns, and `it` inside a filter of a list of them.
"""

from __future__ import annotations

from typing import NamedTuple

from budgetlint.dsl import ast
from budgetlint.lint.model import LintFinding, at
from budgetlint.lint.walk import bodies, children, literal_index, step_expressions

IT = "<it>"  # where the environment keeps the element a filter tests


class Shape(NamedTuple):
    tuple_: bool  # built by a list literal: its positions are read, not its fields
    element: Shape | None  # the shape of every element, when all are known tuples
    empty: bool = False  # `[]`: a list of any elements


def _common(shapes: list) -> Shape | None:
    """The shape of a value that is any one of shapes (an empty list fits any list)."""
    known = [s for s in shapes if s is None or not s.empty]
    if not known:
        return shapes[0] if shapes else None
    return known[0] if all(s == known[0] for s in known) else None


class _Shapes:
    def __init__(self, defs: dict[str, Shape | None]):
        self.defs = defs  # a name the file may call → the shape its body returns

    def of(self, node, env: dict) -> Shape | None:
        kind = type(node)
        if kind is ast.ListLit:
            items = [self.of(i, env) for i in node.items]
            if not items:
                return Shape(True, None, empty=True)
            tuples = all(s is not None and s.tuple_ for s in items)
            return Shape(True, _common(items) if tuples else None)
        if kind is ast.Name:
            return env.get(node.name)
        if kind is ast.It:
            return env.get(IT)
        if kind is ast.Comprehension:
            source = self.of(node.source, env)
            inner = {**env, node.name: source.element if source else None}
            element = self.of(node.expr, inner)
            return Shape(False, element) if element is not None and element.tuple_ else None
        if kind is ast.Index:
            base = self.of(node.base, env)
            if base is None:
                return None
            if literal_index(node.selector) is not None:
                return base.element
            return Shape(False, base.element)  # a filter: a list of the matches, each as it was
        if kind is ast.BinOp and node.op == "+":
            parts = [self.of(node.left, env), self.of(node.right, env)]
            if None in parts:
                return None
            element = _common([p.element if not p.empty else None for p in parts if not p.empty])
            return Shape(False, element) if element is not None else None
        if kind is ast.Cond:
            return _common([self.of(node.then, env), self.of(node.otherwise, env)])
        if kind is ast.Call:
            if node.func == "coalesce":
                return _common([self.of(a, env) for a in node.args])
            return self.defs.get(node.func)
        return None


def _text(node) -> str:
    if type(node) is ast.Name:
        return node.name
    if type(node) is ast.Call:
        return f"{node.func}(…)"
    if type(node) is ast.Index and literal_index(node.selector) is not None:
        return f"{_text(node.base)}[{literal_index(node.selector)}]"
    return "[…]" if type(node) is ast.ListLit else "(…)"


class _Scanner:
    def __init__(self, shapes: _Shapes, label: str, found: list[LintFinding]):
        self.shapes, self.label, self.found = shapes, label, found

    def scan(self, node, env: dict) -> None:
        kind = type(node)
        if kind is ast.Comprehension:
            self.scan(node.source, env)
            source = self.shapes.of(node.source, env)
            inner = {**env, node.name: source.element if source else None}
            self.scan(node.expr, inner)
            if node.test is not None:
                self.scan(node.test, inner)
            return
        if kind is ast.Index:
            self.scan(node.base, env)
            base = self.shapes.of(node.base, env)
            n = literal_index(node.selector)
            if n is None:  # a filter: `it` is an element of the base
                self.scan(node.selector, {**env, IT: base.element if base else None})
                return
            if base is not None and base.tuple_:
                self.found.append(
                    at(
                        node.span,
                        "BL002",
                        f"{self.label}: positional read {_text(node)} of a list the rules build; "
                        f"give its items named fields (a record {{name: …}}) and read them by name",
                    )
                )
            return
        for child in children(node):
            self.scan(child, env)


def _definition_shapes(parsed: list[ast.RuleFile]) -> dict[str, dict[str, Shape | None]]:
    """For each file, the names it may call (its own definitions and its imports) → the shape of
    what they return. Three rounds: a definition may return what another returns."""
    from budgetlint.dsl.modules import module_name

    visible: dict[str, dict[str, Shape | None]] = {rf.path: {} for rf in parsed}
    for _round in range(3):
        own: dict[str, dict] = {}
        for rf in parsed:
            shapes = _Shapes(visible[rf.path])
            own.setdefault(module_name(rf.path), {}).update(
                {d.name: shapes.of(d.body, {}) for d in rf.defines}
            )
        for rf in parsed:
            names = {n: own.get(imp.source, {}).get(n) for imp in rf.imports for n in imp.names}
            visible[rf.path] = {**names, **own.get(module_name(rf.path), {})}
    return visible


def positional_reads(parsed: list[ast.RuleFile]) -> list[LintFinding]:
    found: list[LintFinding] = []
    defs = _definition_shapes(parsed)
    for rf in parsed:
        shapes = _Shapes(defs[rf.path])
        for d in rf.defines:
            _Scanner(shapes, f"definition {d.name}", found).scan(d.body, {})
        for body in bodies(rf):
            scanner = _Scanner(shapes, body.label, found)
            env: dict = {}
            for step in body.steps:
                for expression in step_expressions(step):
                    scanner.scan(expression, env)
                if type(step) is ast.Let:
                    value = shapes.of(step.value, env)
                    env.update({n: None for n in step.unpack or ()})
                    if step.name:
                        env[step.name] = value
                elif type(step) is ast.For:
                    source = shapes.of(step.source, env)
                    env.update({n: None for n in (step.index, *(step.unpack or ())) if n})
                    if step.name:
                        env[step.name] = source.element if source else None
    return found
