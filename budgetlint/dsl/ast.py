"""Frozen AST nodes of the rule language; every node carries the span it was parsed from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Span:
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Node:
    span: Span = field(compare=False, repr=False)


# --- expressions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Literal(Node):
    value: Decimal | str | bool | None = None


@dataclass(frozen=True)
class It(Node):
    pass


@dataclass(frozen=True)
class Name(Node):
    name: str = ""


@dataclass(frozen=True)
class Attr(Node):
    base: Node = None  # type: ignore[assignment]
    name: str = ""


@dataclass(frozen=True)
class Index(Node):
    base: Node = None  # type: ignore[assignment]
    selector: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Call(Node):
    func: str = ""
    args: tuple[Node, ...] = ()


@dataclass(frozen=True)
class ListLit(Node):
    items: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Comprehension(Node):
    """`[expr for name in source if test]`: a list made from another."""

    expr: Node = None  # type: ignore[assignment]
    name: str = ""
    source: Node = None  # type: ignore[assignment]
    test: Node | None = None


@dataclass(frozen=True)
class SetLit(Node):
    items: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Neg(Node):
    operand: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Not(Node):
    operand: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class BinOp(Node):
    op: str = ""
    left: Node = None  # type: ignore[assignment]
    right: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Compare(Node):
    op: str = ""
    left: Node = None  # type: ignore[assignment]
    right: Node = None  # type: ignore[assignment]
    tolerance: Node | None = None


@dataclass(frozen=True)
class In(Node):
    left: Node = None  # type: ignore[assignment]
    right: Node = None  # type: ignore[assignment]
    negate: bool = False


@dataclass(frozen=True)
class And(Node):
    left: Node = None  # type: ignore[assignment]
    right: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Or(Node):
    left: Node = None  # type: ignore[assignment]
    right: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Cond(Node):
    test: Node = None  # type: ignore[assignment]
    then: Node = None  # type: ignore[assignment]
    otherwise: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Template(Node):
    """A message: literal text and `{expr}` / `{expr:.2}` holes."""

    parts: tuple[str | tuple[Node, str], ...] = ()


# --- statements --------------------------------------------------------------------------


@dataclass(frozen=True)
class For(Node):
    name: str = ""
    source: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Let(Node):
    name: str = ""
    value: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class When(Node):
    test: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Rule(Node):
    id: str = ""
    title: str | None = None
    title_en: str | None = None
    severity: str | None = None
    basis: str | None = None
    doc: str | None = None
    tags: tuple[str, ...] = ()
    profiles: tuple[str, ...] = ()
    steps: tuple[Node, ...] = ()  # For / Let / When, in order
    check: Node | None = None  # the assert expression
    at: Node | None = None
    message: Template | None = None


@dataclass(frozen=True)
class Define(Node):
    name: str = ""
    params: tuple[str, ...] = ()
    body: Node = None  # type: ignore[assignment]


@dataclass(frozen=True)
class RuleFile:
    path: str
    rules: tuple[Rule, ...]
    defines: tuple[Define, ...]
