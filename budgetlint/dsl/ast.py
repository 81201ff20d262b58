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
)

# --- statements
For = _node("For", "name source index", defaults=(None,), doc="`for [index,] name in source`.")
Let = _node("Let", "name value")
When = _node("When", "test")
Rule = _node(
    "Rule",
    "id title title_en severity basis doc tags profiles steps check at message message_en",
    defaults=(None, None, None, None, None, (), (), (), None, None, None, None),
    doc="A rule: metadata, steps (For / Let / When in order), the assertion, location and its message"
    " in Chinese and (message_en, optional) English.",
)
Define = _node("Define", "name params body")
RuleFile = namedtuple("RuleFile", "path rules defines")
RuleFile.__module__ = __name__
