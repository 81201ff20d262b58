"""What compiling and evaluating share: the environment, scopes, compiled expressions, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from budgetlint.dsl.schema_types import SType

if TYPE_CHECKING:  # annotations only: a run with its rules cached never imports the AST module
    from budgetlint.dsl import ast

# Values a run can set (budgetlint.toml / --tolerance), with their defaults.
SETTINGS = {"rounding_per_item": Decimal("0.005")}


# Named tuples and plain classes rather than dataclasses: creating a frozen dataclass costs
# ~0.8 ms at import, a named tuple ~0.07 ms, and every cold run imports these modules.
class StaticError(NamedTuple):
    span: ast.Span
    message: str

    def __str__(self) -> str:
        return f"{self.span}: {self.message}"


# The evaluation budget of the rule being evaluated: what is left of MAX_STEPS. A loop (`for`,
# `[… for …]`, a filter) spends, when it starts, its length times the size of its body with
# every definition call expanded (compiler.expanded_size): an upper bound of what it evaluates.
# A zero-argument definition spends its size when computed, joining long text or lists their
# length. Outside loops a rule is bounded by its size (definitions expand to at most
# compiler.MAX_EXPANSION). The costliest built-in rule spends 34,576 on the largest sample
# (1.3 ms); a runaway rule is stopped after ~1 s. A module-level list: the engine refills it
# before each rule, and a loop reads it once, not once per element.
MAX_STEPS = 20_000_000
BUDGET = [MAX_STEPS]


class RuleBudgetExceeded(Exception):
    """A rule spent its evaluation budget: it is stopped, the other rules go on."""


def spend(steps: int) -> None:
    left = BUDGET[0] - steps
    BUDGET[0] = left
    if left < 0:
        raise RuleBudgetExceeded()


class RuntimeRuleError(Exception):
    """A type error while evaluating, tied to the expression that raised it."""

    def __init__(self, span: ast.Span, message: str):
        super().__init__(message)
        self.span, self.message = span, message


class Scope:
    """What the compiler knows where an expression stands: the bound names with their types and
    the Python locals holding them, and inside a filter the type of the element being tested and
    the local holding it."""

    __slots__ = ("element", "element_var", "in_filter", "names", "vars")

    def __init__(
        self,
        names: dict | None = None,
        element: SType | None = None,
        in_filter: bool = False,
        vars: dict | None = None,
        element_var: str = "None",
    ):
        self.names = {} if names is None else names
        self.element = element
        self.in_filter = in_filter
        self.vars = {} if vars is None else vars  # rule-language name → Python local
        self.element_var = element_var

    def bind(self, name: str, stype: SType | None, var: str = "None") -> Scope:
        return Scope(
            {**self.names, name: stype},
            self.element,
            self.in_filter,
            {**self.vars, name: var},
            self.element_var,
        )

    def filtering(self, element: SType | None, var: str) -> Scope:
        return Scope(self.names, element, True, self.vars, var)


class Compiled:
    """An expression compiled: the Python expression computing it (over names the generated
    function binds), what the schema says it gives, and whether it is logical: True when it can
    only give True, False or None (comparisons, and/or/not, `in`, logical builtins): whoever
    tests it then skips the truth() check."""

    __slots__ = ("code", "logical", "stype")

    def __init__(self, code: str, stype: SType | None = None, logical: bool = False):
        self.code, self.stype, self.logical = code, stype, logical
