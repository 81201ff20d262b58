"""Frozen AST nodes of the rule language; every node carries the span it was parsed from.

Nodes are named tuples: immutable, hashable, cheap to create and to unpickle from the rule
cache (frozen dataclasses cost ~20 ms at import alone, a tenth of a cold run).
"""

from __future__ import annotations

from collections import namedtuple


def _reduce(node: tuple):
    # Unpickled by tuple.__new__ (C) rather than the namedtuple's __new__ (a Python function):
    # a rulebook has ~15 000 nodes and spans, read from the cache on every run.
    return tuple.__new__, (type(node), tuple(node))


class Span(namedtuple("Span", "file line column")):
    __slots__ = ()
    __reduce__ = _reduce

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def _node(name: str, fields: str, defaults: tuple = (), doc: str = ""):
    cls = namedtuple(name, "span " + fields, defaults=defaults)
    cls.__module__ = __name__
    cls.__doc__ = doc or f"{name} node"
    cls.__reduce__ = _reduce
    return cls


Node = tuple  # every node is a named tuple whose first field is its Span

# --- expressions
Literal = _node("Literal", "value", doc="A number (Decimal), string, boolean or null.")
It = _node("It", "", doc="`it`: the element inside a filter.")
Name = _node("Name", "name")
Attr = _node("Attr", "base name", doc="`base.name`: a field, or a projection over a list.")
Index = _node("Index", "base selector", doc="`base[n]` (index) or `base[test]` (filter).")
Call = _node("Call", "func args")
ListLit = _node("ListLit", "items")
Comprehension = _node("Comprehension", "expr name source test", doc="`[expr for name in source if test]`.")
SetLit = _node("SetLit", "items")
Neg = _node("Neg", "operand")
Not = _node("Not", "operand")
BinOp = _node("BinOp", "op left right")
Compare = _node("Compare", "op left right tolerance", defaults=(None,))
In = _node("In", "left right negate")
And = _node("And", "left right")
Or = _node("Or", "left right")
Cond = _node("Cond", "test then otherwise")
Template = _node("Template", "parts", doc="A message: literal text and `{expr}` / `{expr:.2}` holes.")
RecordLit = _node("RecordLit", "fields", doc="`{name: expr, …}`: a record; fields is ((name, expr), …).")
# every expression node: the compiler has a method for each
EXPRESSIONS = (
    Literal,
    It,
    Name,
    Attr,
    Index,
    Call,
    ListLit,
    Comprehension,
    SetLit,
    Neg,
    Not,
    BinOp,
    Compare,
    In,
    And,
    Or,
    Cond,
    RecordLit,
)

# --- statements
For = _node(
    "For",
    "name source index unpack",
    defaults=(None, None),
    doc="`for [index,] name in source`, or `for {a, b} in source` (unpack: the field names bound).",
)
Let = _node("Let", "name value unpack", defaults=(None,), doc="`let name = value` or `let {a, b} = value`.")
When = _node("When", "test")
Check = _node(
    "Check",
    "test at message message_en guard",
    defaults=(None, None, None, None),
    doc="`assert test [if guard]`, with the `at`, `message` and `message_en` written after it.",
)


class Rule(
    namedtuple(
        "Rule",
        "span id title title_en severity basis doc tags profiles steps template",
        defaults=(None, None, None, None, None, (), (), (), None),
    )
):
    """A rule: its metadata and its steps in order (For / Let / When / Check). template: (name,
    args, span) when the rule is made from a template (`rule ID = name(args) { … }`), until the
    rulebook expands it (budgetlint/dsl/modules.py)."""

    __slots__ = ()
    __reduce__ = _reduce

    @property
    def checks(self) -> tuple:
        return tuple(s for s in self.steps if type(s) is Check)


Rule.__module__ = __name__
RuleTemplate = _node(
    "RuleTemplate",
    "name params body",
    doc="`template name(params) { … }`: the statements of several rules; body is a Rule without an id.",
)
Define = _node("Define", "name params body")
Import = _node("Import", "names source", doc="`import a, b from file`: names of another rule file.")
RuleFile = namedtuple("RuleFile", "path rules defines imports templates", defaults=((), ()))
RuleFile.__module__ = __name__
