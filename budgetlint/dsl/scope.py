"""What compiling and evaluating share: the environment, scopes, compiled expressions, errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from budgetlint.dsl import ast
from budgetlint.dsl.schema_types import SType

Env = dict
Fn = Callable[[Env], object]
# Values a run can set (budgetlint.toml / --tolerance), with their defaults.
SETTINGS = {"rounding_per_item": Decimal("0.005")}
UNSET = object()


def restore_binding(env: Env, name: str, saved) -> None:
    if saved is UNSET:
        env.pop(name, None)
    else:
        env[name] = saved


@dataclass(frozen=True)
class StaticError:
    span: ast.Span
    message: str

    def __str__(self) -> str:
        return f"{self.span}: {self.message}"


class RuntimeRuleError(Exception):
    """A type error while evaluating, tied to the expression that raised it."""

    def __init__(self, span: ast.Span, message: str):
        super().__init__(message)
        self.span, self.message = span, message


@dataclass
class Scope:
    names: dict[str, SType | None] = field(default_factory=dict)
    element: SType | None = None  # inside a filter: the element being tested
    in_filter: bool = False

    def bind(self, name: str, stype: SType | None) -> Scope:
        return Scope({**self.names, name: stype}, self.element, self.in_filter)


@dataclass
class Compiled:
    fn: Fn
    stype: SType | None = None
    # True when fn can only give True, False or None (comparisons, and/or/not, `in`, logical
    # builtins): whoever tests it then skips the truth() check, which costs a call per test.
    logical: bool = False
