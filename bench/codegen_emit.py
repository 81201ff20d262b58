"""The code generator of bench/codegen.py: rule-language AST → Python source (for measurement only).

Each rule becomes one function `rule_<n>(doc, settings, memo, pointers) -> list[Hit]`, each
definition one function `def_<name>(doc, settings, memo, *params)`. Expressions are flattened
into statements (one temporary per intermediate value), so that `and`/`or`/`if`, filters and
comprehensions are plain `if` blocks and `for` loops, and names bound by `let`/`for` are Python
locals. The semantics are the compiled closures' (budgetlint/dsl/compiler.py,
compile_operators.py, specialise.py, rules.py): the same fast paths for Decimals and text, and the
same helpers from budgetlint.dsl.values for everything else (null propagation, type errors).

What it does not do: a type error raises RuleTypeError from the generated function, without the
rule file's line (the product reports it as a `rule-error` finding at the step's span); there is
no static check (the rules are the product's, already checked when the rulebook was built).
"""

from __future__ import annotations

import ast as pyast
from contextlib import contextmanager
from decimal import Decimal

from budgetlint.dsl import ast
from budgetlint.dsl.compiler import ExprCompiler, _substitute
from budgetlint.dsl.fn_base import whole
from budgetlint.dsl.fn_tables import _LEVELS
from budgetlint.dsl.functions import BUILTINS, compile_pattern
from budgetlint.dsl.rules import Hit, _pointer_of_element
from budgetlint.dsl.scope import SETTINGS
from budgetlint.dsl.values import (
    RuleTypeError,
    arith,
    compare,
    contains,
    format_value,
    get_field,
    kind,
    set_of,
    set_op,
    truth,
)
from budgetlint.findings import escape_pointer_token

_MISSING = object()


def _locate_get(pointers, obj, key):
    """`at get(obj, key)`, as budgetlint/dsl/rules.py's _compile_locate does it."""
    parent = pointers.of(obj)
    if parent is None:
        return None
    if isinstance(key, str):
        return f"{parent}/{escape_pointer_token(key)}"
    return f"{parent}/{int(key)}" if isinstance(key, Decimal) else None


# What every generated module sees as globals (besides its constants and builtins).
RUNTIME = {
    "Decimal": Decimal,
    "ZERO": Decimal(0),
    "MISSING": _MISSING,
    "RuleTypeError": RuleTypeError,
    "Hit": Hit,
    "arith": arith,
    "compare": compare,
    "contains": contains,
    "format_value": format_value,
    "get_field": get_field,
    "kind": kind,
    "set_of": set_of,
    "set_op": set_op,
    "truth": truth,
    "whole": whole,
    "pointer_of_element": _pointer_of_element,
    "locate_get": _locate_get,
    "SEQUENCES": (list, tuple, frozenset),
    "LEVELS": _LEVELS,
}


class Unsupported(Exception):
    """A construct the generator does not handle: the rule keeps its compiled closure."""


class Scope:
    """Where an expression stands: rule-language names bound to Python locals, and inside a
    filter the local holding the element (bare names are then its fields)."""

    __slots__ = ("element", "names")

    def __init__(self, names: dict[str, str] | None = None, element: str | None = None):
        self.names = names or {}
        self.element = element

    def bind(self, name: str, var: str) -> Scope:
        return Scope({**self.names, name: var}, self.element)

    def filtering(self, var: str) -> Scope:
        return Scope(self.names, var)


class Function:
    """The source of one generated function, built line by line."""

    def __init__(self, header: str):
        self.lines = [header]
        self.depth = 1
        self.count = 0

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def fresh(self, prefix: str = "t") -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def open(self, header: str) -> None:
        """A block left open until the function's end (a rule's `for` and `when` steps)."""
        self.emit(header)
        self.depth += 1

    @contextmanager
    def block(self, header: str):
        self.emit(header)
        self.depth += 1
        yield
        self.depth -= 1

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


def _is_atom(code: str) -> bool:
    if code.isidentifier() or code in ("None", "True", "False"):
        return True
    if code[:1] in "'\"":
        try:
            return isinstance(pyast.literal_eval(code), str)
        except (ValueError, SyntaxError):
            return False
    return False


class Generator:
    """Generates the functions of all rules of a rulebook into one module's source."""

    def __init__(self, defines: dict[str, ast.Define]):
        self.defines = defines
        self._formulas = ExprCompiler(None, defines)  # only for its _is_formula()
        self.namespace: dict = dict(RUNTIME)  # the module's globals: runtime, constants, builtins
        self._constants: dict[tuple, str] = {}
        self._defs: dict[str, tuple[str, bool]] = {}  # definition → (function name, logical)
        self.sources: list[str] = []
        self.fn: Function | None = None

    # --- module-level names ---------------------------------------------------------------
    def const(self, value, key: tuple | None = None) -> str:
        """A literal's code: inline for text, truth values and null, else a module-level name."""
        if value is None or isinstance(value, bool | str):
            return repr(value)
        key = key or (type(value).__name__, repr(value))
        if key not in self._constants:
            name = f"K{len(self._constants)}"
            self._constants[key] = name
            self.namespace[name] = value
        return self._constants[key]

    def builtin(self, name: str) -> str:
        gname = f"B_{name}"
        self.namespace[gname] = BUILTINS[name].impl
        return gname

    # --- helpers over the current function ------------------------------------------------
    def emit(self, line: str) -> None:
        self.fn.emit(line)

    def simple(self, code: str) -> str:
        """code as something that can be read more than once: a name or a literal."""
        if _is_atom(code):
            return code
        var = self.fn.fresh()
        self.emit(f"{var} = {code}")
        return var

    def field(self, base: str, name: str) -> str:
        b = self.simple(base)
        return f"({b}.get({name!r}) if type({b}) is dict else get_field({b}, {name!r}))"

    # --- definitions and rules ------------------------------------------------------------
    def define(self, name: str) -> tuple[str, bool]:
        if name in self._defs:
            return self._defs[name]
        d = self.defines[name]
        fname = f"def_{name}"
        params = {p: f"p_{p}" for p in d.params}
        header = f"def {fname}(doc, settings, memo{''.join(', ' + v for v in params.values())}):"
        outer, self.fn = self.fn, Function(header)
        code, logical = self.expr(d.body, Scope(dict(params)))
        self.emit(f"return {code}")
        self.sources.append(self.fn.source())
        self.fn = outer
        self._defs[name] = (fname, logical)
        return fname, logical

    def rule(self, rule: ast.Rule, fname: str) -> str:
        """The source of one rule's function (definitions it needs are added to self.sources)."""
        self.fn = Function(f"def {fname}(doc, settings, memo, pointers):")
        self.emit("found = []")
        depth = self.fn.depth
        scope = Scope()
        where = "None"  # the innermost `for`: (list, index, element), for a finding without `at`
        for step in rule.steps:
            if isinstance(step, ast.For):
                seq = self.simple(self.expr(step.source, scope)[0])
                element, index = self.fn.fresh(f"v_{step.name}_"), self.fn.fresh("i")
                self.fn.open(f"if {seq} is not None:")
                with self.fn.block(f"if type({seq}) is not list and not isinstance({seq}, SEQUENCES):"):
                    self.emit(f"raise RuleTypeError(\"'for' needs a list, got \" + kind({seq}))")
                self.fn.open(f"for {index}, {element} in enumerate({seq}):")
                scope = scope.bind(step.name, element)
                if step.index:
                    var = self.fn.fresh(f"v_{step.index}_")
                    self.emit(f"{var} = whole({index})")
                    scope = scope.bind(step.index, var)
                where = f"({seq}, {index}, {element})"
            elif isinstance(step, ast.Let):
                code, _ = self.expr(step.value, scope)
                var = self.fn.fresh(f"v_{step.name}_")
                self.emit(f"{var} = {code}")
                scope = scope.bind(step.name, var)
            else:
                test = self.simple(self.test(step.test, scope, "when"))
                self.fn.open(f"if {test} is True:")
        check = self.simple(self.test(rule.check, scope, "assert"))
        with self.fn.block(f"if {check} is False:"):
            pointer = self.locate(rule.at, scope) if rule.at is not None else "None"
            self.emit(f"pointer = {pointer}")
            with self.fn.block("if pointer is None:"):
                self.emit(f"pointer = pointer_of_element({where}, pointers)")
            pieces = []
            for part in rule.message.parts:
                if isinstance(part, str):
                    pieces.append(repr(part))
                else:
                    node, spec = part
                    value = self.simple(self.expr(node, scope)[0])
                    pieces.append(f"format_value({value}, {spec!r})")
            self.emit(f"found.append(Hit(pointer, {' + '.join(pieces) or repr('')}))")
        self.fn.depth = depth
        self.emit("return found")
        return self.fn.source()

    def locate(self, node, scope: Scope) -> str:
        """`at EXPR`: the pointer's code, as budgetlint/dsl/rules.py's _compile_locate decides."""
        if isinstance(node, ast.Attr):
            parent = self.simple(f"pointers.of({self.expr(node.base, scope)[0]})")
            var = self.fn.fresh("at")
            token = escape_pointer_token(node.name)
            with self.fn.block(f"if {parent} is not None:"):
                self.emit(f"{var} = {parent} + {'/' + token!r}")
            with self.fn.block("else:"):
                self.emit(f"{var} = pointers.of({self.expr(node, scope)[0]})")
            return var
        if isinstance(node, ast.Call) and node.func == "get" and len(node.args) == 2:
            obj = self.simple(self.expr(node.args[0], scope)[0])
            key = self.simple(self.expr(node.args[1], scope)[0])
            return f"locate_get(pointers, {obj}, {key})"
        if isinstance(node, ast.Index) and isinstance(node.selector, ast.Literal):
            parent = self.simple(f"pointers.of({self.expr(node.base, scope)[0]})")
            var = self.fn.fresh("at")
            with self.fn.block(f"if {parent} is not None:"):
                self.emit(f"{var} = {parent} + {'/' + str(node.selector.value)!r}")
            with self.fn.block("else:"):
                self.emit(f"{var} = pointers.of({self.expr(node, scope)[0]})")
            return var
        if isinstance(node, ast.Name) and node.name not in scope.names and scope.element is None:
            return repr("/" + escape_pointer_token(node.name))
        return f"pointers.of({self.expr(node, scope)[0]})"

    # --- expressions: each gives (code, logical) ------------------------------------------
    def expr(self, node, scope: Scope) -> tuple[str, bool]:
        method = getattr(self, "_" + type(node).__name__.lower(), None)
        if method is None:
            raise Unsupported(type(node).__name__)
        return method(node, scope)

    def test(self, node, scope: Scope, what: str) -> str:
        code, logical = self.expr(node, scope)
        return code if logical else f"truth({code}, {what!r})"

    def _literal(self, node, scope):
        value = node.value
        return self.const(value), value is None or isinstance(value, bool)

    def _it(self, node, scope):
        if scope.element is None:
            raise Unsupported("'it' outside a filter")
        return scope.element, False

    def _name(self, node, scope):
        if node.name in scope.names:
            return scope.names[node.name], False
        return self.field(scope.element or "doc", node.name), False

    def _attr(self, node, scope):
        return self.field(self.expr(node.base, scope)[0], node.name), False

    def _index(self, node, scope):
        sel = node.selector
        seq = self.simple(self.expr(node.base, scope)[0])
        out = self.fn.fresh()
        if isinstance(sel, ast.Literal) or (
            isinstance(sel, ast.Neg) and isinstance(sel.operand, ast.Literal)
        ):
            i = int(sel.value if isinstance(sel, ast.Literal) else -sel.operand.value)
            with self.fn.block(f"if {seq} is None:"):
                self.emit(f"{out} = None")
            with self.fn.block(f"elif type({seq}) is list:"):
                self.emit(f"{out} = {seq}[{i}] if {-i - 1 if i < 0 else i} < len({seq}) else None")
            with self.fn.block("else:"):
                self.emit(f'raise RuleTypeError("only a list can be indexed, got " + kind({seq}))')
            return out, False
        element = self.fn.fresh("e")
        with self.fn.block(f"if {seq} is None:"):
            self.emit(f"{out} = None")
        with self.fn.block("else:"):
            with self.fn.block(f"if not isinstance({seq}, list):"):
                self.emit(f'raise RuleTypeError("only a list can be filtered, got " + kind({seq}))')
            self.emit(f"{out} = []")
            with self.fn.block(f"for {element} in {seq}:"):
                test = self.test(sel, scope.filtering(element), "a filter")
                with self.fn.block(f"if {test} is True:"):
                    self.emit(f"{out}.append({element})")
        return out, False

    def _call(self, node, scope):
        if node.func == "setting":
            name = node.args[0].value
            return f"settings.get({name!r}, {self.const(SETTINGS[name])})", False
        d = self.defines.get(node.func)
        if d is not None:
            if d.params and self._formulas._is_formula(d):  # compiled at the call site, as the product does
                return self.expr(_substitute(d.body, dict(zip(d.params, node.args, strict=True))), scope)
            fname, logical = self.define(node.func)
            if not d.params:  # computed once per document
                out = self.fn.fresh()
                self.emit(f"{out} = memo.get({node.func!r}, MISSING)")
                with self.fn.block(f"if {out} is MISSING:"):
                    self.emit(f"{out} = memo[{node.func!r}] = {fname}(doc, settings, memo)")
                return out, logical
            args = [self.expr(a, scope)[0] for a in node.args]
            return f"{fname}(doc, settings, memo, {', '.join(args)})", logical
        builtin = BUILTINS.get(node.func)
        if builtin is None:
            raise Unsupported(f"unknown function {node.func}")
        impl = self.builtin(node.func)
        if node.func == "matches":
            pattern = self.const(compile_pattern(node.args[1].value), ("pattern", node.args[1].value))
            return f"{impl}({self.expr(node.args[0], scope)[0]}, {pattern})", True
        args = [self.expr(a, scope)[0] for a in node.args]
        if node.func in INLINE:
            return INLINE[node.func](impl, [self.simple(a) for a in args]), builtin.logical
        if builtin.per_document:
            args.insert(0, "memo")
        return f"{impl}({', '.join(args)})", builtin.logical

    def _listlit(self, node, scope):
        return "[" + ", ".join(self.expr(i, scope)[0] for i in node.items) + "]", False

    def _comprehension(self, node, scope):
        seq = self.simple(self.expr(node.source, scope)[0])
        out, var = self.fn.fresh(), self.fn.fresh(f"v_{node.name}_")
        inner = scope.bind(node.name, var)
        with self.fn.block(f"if {seq} is None:"):
            self.emit(f"{out} = None")
        with self.fn.block("else:"):
            with self.fn.block(f"if type({seq}) is not list and not isinstance({seq}, SEQUENCES):"):
                self.emit(f"raise RuleTypeError(\"'for' in [ … ] needs a list, got \" + kind({seq}))")
            self.emit(f"{out} = []")
            with self.fn.block(f"for {var} in {seq}:"):
                if node.test is None:
                    self.emit(f"{out}.append({self.expr(node.expr, inner)[0]})")
                else:
                    test = self.test(node.test, inner, "'if'")
                    with self.fn.block(f"if {test} is True:"):
                        self.emit(f"{out}.append({self.expr(node.expr, inner)[0]})")
        return out, False

    def _setlit(self, node, scope):
        if all(isinstance(i, ast.Literal) for i in node.items):
            return self.const(set_of([i.value for i in node.items], "a set")), False
        return "set_of([" + ", ".join(self.expr(i, scope)[0] for i in node.items) + "], 'a set')", False

    def _neg(self, node, scope):
        x = self.simple(self.expr(node.operand, scope)[0])
        return f"(ZERO - {x} if type({x}) is Decimal else arith('-', ZERO, {x}))", False

    def _not(self, node, scope):
        v = self.simple(self.test(node.operand, scope, "'not'"))
        return f"(None if {v} is None else not {v})", True

    def _binop(self, node, scope):
        op = node.op
        a = self.expr(node.left, scope)[0]
        b = self.expr(node.right, scope)[0]
        if op in ("|", "&"):
            return f"set_op({op!r}, {a}, {b})", False
        if op == "/":
            return f"arith('/', {a}, {b})", False
        a, b = self.simple(a), self.simple(b)
        fast = f"type({a}) is Decimal and type({b}) is Decimal"
        return f"({a} {op} {b} if {fast} else arith({op!r}, {a}, {b}))", False

    def _compare(self, node, scope):
        op = node.op
        a = self.simple(self.expr(node.left, scope)[0])
        if node.tolerance is not None:
            b = self.simple(self.expr(node.right, scope)[0])
            t = self.simple(self.expr(node.tolerance, scope)[0])
            if op == "==":
                fast = f"type({a}) is Decimal and type({b}) is Decimal and type({t}) is Decimal"
                return f"(abs({a} - {b}) <= {t} if {fast} else compare('==', {a}, {b}, {t}))", True
            return f"compare({op!r}, {a}, {b}, {t})", True
        if isinstance(node.right, ast.Literal) and isinstance(node.right.value, Decimal | str):
            c = self.const(node.right.value)
            kind_of = "str" if isinstance(node.right.value, str) else "Decimal"
            if op in ("==", "!="):
                same = f"{a} {op} {c} if type({a}) is {kind_of}"
                return f"(None if {a} is None else {same} else compare({op!r}, {a}, {c}))", True
            return f"({a} {op} {c} if type({a}) is {kind_of} else compare({op!r}, {a}, {c}))", True
        b = self.simple(self.expr(node.right, scope)[0])
        if op in ("==", "!="):
            same = f"type({a}) is type({b}) and (type({a}) is Decimal or type({a}) is str)"
            absent = f"{a} is None or {b} is None"
            return f"(None if {absent} else {a} {op} {b} if {same} else compare({op!r}, {a}, {b}))", True
        return f"compare({op!r}, {a}, {b})", True

    def _in(self, node, scope):
        container = self.simple(self.expr(node.right, scope)[0])
        v = self.simple(f"contains({container}, {self.expr(node.left, scope)[0]})")
        if node.negate:
            return f"(None if {v} is None else not {v})", True
        return v, True

    def _and(self, node, scope):
        return self._junction(node, scope, "'and'", decisive=False)

    def _or(self, node, scope):
        return self._junction(node, scope, "'or'", decisive=True)

    def _junction(self, node, scope, word: str, decisive: bool):
        """`and` (one False decides) and `or` (one True decides); otherwise a null makes null."""
        a = self.simple(self.test(node.left, scope, word))
        out = self.fn.fresh()
        with self.fn.block(f"if {a} is {decisive}:"):
            self.emit(f"{out} = {decisive}")
        with self.fn.block("else:"):
            b = self.simple(self.test(node.right, scope, word))
            rest = f"None if {a} is None or {b} is None else {not decisive}"
            self.emit(f"{out} = {decisive} if {b} is {decisive} else {rest}")
        return out, True

    def _cond(self, node, scope):
        t = self.simple(self.test(node.test, scope, "'if'"))
        out = self.fn.fresh()
        with self.fn.block(f"if {t} is None:"):
            self.emit(f"{out} = None")
        with self.fn.block(f"elif {t}:"):
            then, then_logical = self.expr(node.then, scope)
            self.emit(f"{out} = {then}")
        with self.fn.block("else:"):
            other, other_logical = self.expr(node.otherwise, scope)
            self.emit(f"{out} = {other}")
        return out, then_logical and other_logical


# Builtins whose usual case is written inline, guarded by the exact types of that case; any other
# value goes to the builtin itself (budgetlint.dsl.functions), which gives the same result or error.
# Each takes the builtin's global name and the arguments (names or literals).
def _count(impl: str, a: list[str]) -> str:
    return f"(whole(len({a[0]})) if type({a[0]}) is list else {impl}({a[0]}))"


def _coalesce(impl: str, a: list[str]) -> str:
    return "(" + "".join(f"{x} if {x} is not None else " for x in a[:-1]) + f"{a[-1]})"


def _get(impl: str, a: list[str]) -> str:
    obj, key = a
    return f"({obj}.get({key}) if type({obj}) is dict and type({key}) is str else {impl}({obj}, {key}))"


def _present(impl: str, a: list[str]) -> str:
    return f"({a[0]}.strip() != '' if type({a[0]}) is str else {a[0]} is not None)"


def _level(impl: str, a: list[str]) -> str:
    return f"(LEVELS.get(len({a[0]})) if type({a[0]}) is str else {impl}({a[0]}))"


INLINE = {"count": _count, "coalesce": _coalesce, "get": _get, "present": _present, "level": _level}
