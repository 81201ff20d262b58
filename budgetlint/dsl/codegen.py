"""The code the compiler generates: one Python module for a rulebook, built line by line.

Rules are compiled to Python source (budgetlint/dsl/compiler.py, compile_operators.py, rules.py)
on the terms that make template engines safe (issue 15): the source is generated only from the
checked AST, never from rule or document text —

- every literal of a rule reaches the source through repr() (text inline; numbers, patterns and
  constant sets as module-level names assigned from repr()s, below the functions);
- every name in the source comes from the compiler's own tables: the helpers of RUNTIME, the
  builtins of BUILTINS (each bound once as `B_<name>`), the functions it numbers (`rule_<n>`,
  `def_<n>`) and the locals it numbers; a rule's own names (`row`, `code`) appear in a local's
  name only when they are plain ASCII identifiers (LOCAL_NAME), and always with a number after
  them, so they can neither be a keyword nor shadow anything;
- a comment carries a rule's id or a definition's name through repr(), so it is one line.

A rule can therefore do nothing the builtins and the helpers below do not offer. The module is
compiled once; its code object is cached (marshal, authenticated: budgetlint/dsl/cache.py).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from decimal import Decimal

from budgetlint.dsl.fn_base import whole
from budgetlint.dsl.fn_tables import _LEVELS
from budgetlint.dsl.functions import _QUANTA, BUILTINS
from budgetlint.dsl.scope import RuleBudgetExceeded, spend
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

MISSING = object()

# Locals may carry a rule's name for readability only when it is one of these.
LOCAL_NAME = re.compile(r"[a-z_][a-z0-9_]{0,30}", re.ASCII)


def pattern_of(holder: list):
    """holder = [None, pattern text, its plan (regex.plan)]: the pattern built from its plan,
    kept in holder[0] for the next use (a compiled pattern is true, so
    `holder[0] or pattern_of(holder)` builds it once)."""
    from budgetlint.dsl.regex import from_plan

    holder[0] = from_plan(holder[1], holder[2])
    return holder[0]


def memoised(memo: dict, fn, cost: int, doc, settings, *args):
    """A definition's value for these arguments, computed once per document when each argument is
    text, null, or a list or object of the document (by identity: the entry keeps the arguments
    alive, so no other value takes their id while the memo lives); any other argument (a number, a
    truth value: 1 == True == 1.0 would share an entry) calls it every time. A repeat is charged
    the definition's expanded size (cost), as the first call of a zero-argument definition is."""
    key = [fn]
    for a in args:
        kind_of = type(a)
        if kind_of is str or a is None:
            key.append(a)
        elif kind_of is dict or kind_of is list:
            key.append(id(a))
        else:
            return fn(doc, settings, memo, *args)
    key = tuple(key)
    entry = memo.get(key)
    if entry is not None:
        spend(cost)
        return entry[0]
    value = fn(doc, settings, memo, *args)
    memo[key] = (value, args)
    return value


def runtime() -> dict:
    """The globals every generated module starts from: nothing else is in reach of a rule."""
    from budgetlint.dsl.rules import Hit, locate_get, locate_value, pointer_of_element

    return {
        "__builtins__": {
            "len": len,
            "abs": abs,
            "enumerate": enumerate,
            "type": type,
            "isinstance": isinstance,
            "min": min,
            "max": max,
        },
        "Decimal": Decimal,
        "ZERO": Decimal(0),
        "MISSING": MISSING,
        "RuleTypeError": RuleTypeError,
        "RuleBudgetExceeded": RuleBudgetExceeded,
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
        "spend": spend,
        "pointer_of_element": pointer_of_element,
        "locate_get": locate_get,
        "locate_value": locate_value,
        "pattern_of": pattern_of,
        "memoised": memoised,
        "BUILTINS": BUILTINS,
        "SEQUENCES": (list, tuple, frozenset),
        "LEVELS": _LEVELS,
        # the commonest exponent of a figure (0.01 万元), its decimals() and ulp(): see _printed
        "PRINTED": _QUANTA[0][0],
        "PRINTED_DECIMALS": _QUANTA[0][1],
        "PRINTED_ULP": _QUANTA[0][2],
        "dict": dict,
        "list": list,
        "str": str,
    }


class Function:
    """The source of one generated function, with its source map: from which line on the code
    evaluates which span of the rule file (a type error is reported at that span)."""

    def __init__(self, name: str, header: str, comment: str = ""):
        self.name = name
        self.lines = [comment, header] if comment else [header]
        self._def_line = len(self.lines) - 1  # line numbers of the code count from the `def`
        self.depth = 1
        self.count = 0
        self.spans: list[tuple[int, tuple]] = []  # (line offset from the `def`, span as a tuple)
        self.calls: set[str] = set()  # the definitions' functions it calls
        # a pure computation already held in a local: its code → (the local, the depth it was set
        # at); valid while the code stays inside the block that set it (see ExprCompiler.pure)
        self.held: dict[str, tuple[str, int]] = {}
        # the locals a `let` bound to a condition's value (only true, false or null): a test of
        # one needs no truth() check
        self.logical: set[str] = set()

    def at(self, span) -> None:
        """What follows evaluates span (for the source map)."""
        self.spans.append((len(self.lines) - self._def_line, tuple(span)))

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def fresh(self, prefix: str = "t", name: str | None = None) -> str:
        self.count += 1
        if name is not None:
            return f"{name}_{self.count}" if LOCAL_NAME.fullmatch(name) else f"v{self.count}"
        return f"{prefix}{self.count}"

    def open(self, header: str) -> None:
        """A block left open until the function's end (a rule's `for` and `when` steps)."""
        self.emit(header)
        self.depth += 1

    def close(self, depth: int) -> None:
        """Back to depth, closing the blocks open() left open (an `assert … if` guard's)."""
        self.depth = depth
        if self.held:  # what was read inside the blocks is not there after them (or in an `else:`)
            self.held = {code: h for code, h in self.held.items() if h[1] <= self.depth}

    @contextmanager
    def block(self, header: str):
        self.emit(header)
        self.depth += 1
        yield
        self.close(self.depth - 1)

    def reuse(self, code: str) -> str | None:
        """The local already holding code's value, if one is in reach here."""
        held = self.held.get(code)
        return held[0] if held is not None else None

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"


class Module:
    """The generated module: functions, then the constants they read, then the table RULES."""

    def __init__(self):
        self.functions: dict[str, Function] = {}  # in the order they were completed
        self._constants: dict[tuple, str] = {}
        self._constant_lines: list[str] = []
        self._builtins: set[str] = set()
        self.numbers: set[str] = set()  # the names of constants that are numbers (Decimal)
        self.sets: set[str] = set()  # the names of constants that are sets (frozenset)

    def add(self, fn: Function) -> None:
        self.functions[fn.name] = fn

    def const(self, value) -> str:
        """A literal's code: inline for text, truth values and null, else a module-level name."""
        if value is None or type(value) is bool or type(value) is str:
            return repr(value)
        if type(value) is Decimal:
            name = self._named(("Decimal", str(value)), f"Decimal({str(value)!r})")
            self.numbers.add(name)
            return name
        if type(value) is int:
            return repr(value)
        raise TypeError(f"no literal of type {type(value).__name__}")  # never from a checked AST

    def constant_set(self, items: list) -> str:
        codes = [self.const(v) for v in items]
        name = self._named(("set", *codes), f"set_of([{', '.join(codes)}], 'a set')")
        self.sets.add(name)
        return name

    def pattern(self, text: str) -> str:
        """A `matches()` pattern's code: planned now (regex.plan: ValueError with the author's
        message if it cannot be used), built when a rule first uses it, not when the module loads
        (a run that never reaches a `matches()` builds none of the rulebook's patterns)."""
        key = ("pattern", text)
        if key not in self._constants:  # planned once however many rules use it
            from budgetlint.dsl.regex import plan

            self._named(key, f"[None, {text!r}, {plan(text)!r}]")
        name = self._constants[key]
        return f"({name}[0] or pattern_of({name}))"

    def builtin(self, name: str) -> str:
        if name not in BUILTINS:
            raise KeyError(name)
        self._builtins.add(name)
        return f"B_{name}"

    def _named(self, key: tuple, code: str) -> str:
        if key not in self._constants:
            name = f"K{len(self._constants)}"
            self._constants[key] = name
            self._constant_lines.append(f"{name} = {code}")
        return self._constants[key]

    def source(self, rules: list[tuple] = (), extra: Function | None = None) -> str:
        """The whole module; rules: (RuleInfo, function name, source map) of each rule, in order.
        With extra (an expression's function): only extra and the definitions it calls."""
        if extra is None:
            parts = [fn.source() for fn in self.functions.values()]
        else:
            self.functions[extra.name] = extra
            try:
                parts = [self.shown(extra.name)]
            finally:
                del self.functions[extra.name]
        tail = [f"B_{b} = BUILTINS[{b!r}].impl" for b in sorted(self._builtins)]
        tail += self._constant_lines
        tail.append("RULES = (")
        for info, fname, spans in rules:
            tail.append(f"    ({tuple(info)!r}, {fname}, {tuple(spans)!r}),")
        tail.append(")")
        return "\n\n".join(parts) + "\n\n" + "\n".join(tail) + "\n"

    def shown(self, fname: str) -> str:
        """A function's source with the definitions it calls (each once, callees first)."""
        order: list[str] = []

        def visit(name: str) -> None:
            if name in order:
                return
            order.append(name)
            for callee in sorted(self.functions[name].calls):
                visit(callee)

        visit(fname)
        return "\n\n".join(self.functions[n].source() for n in reversed(order))


def load(code, namespace: dict | None = None) -> dict:
    """Run a generated module's code object in a fresh runtime namespace: its globals."""
    namespace = runtime() if namespace is None else namespace
    exec(code, namespace)  # code generated by this package from a checked AST (see above)
    return namespace


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


def _extreme(pick: str):
    def inline(impl: str, a: list[str]) -> str:
        if len(a) == 1:  # the extreme of a list
            return f"{impl}({a[0]})"
        # of its arguments: all numbers (no null to drop), the builtin's min()/max() over them
        numbers = " and ".join(f"type({x}) is Decimal" for x in a)
        return f"({pick}({', '.join(a)}) if {numbers} else {impl}({', '.join(a)}))"

    return inline


def _string_test(test: str):
    # `contains(name, "经费")`: both text, what the builtin (fn_text._string_test) tests first
    def inline(impl: str, a: list[str]) -> str:
        s, part = a
        both = f"type({s}) is str and type({part}) is str"
        return f"({test.format(s=s, part=part)} if {both} else {impl}({s}, {part}))"

    return inline


def _printed(result: str):
    # ulp()/decimals() of a figure with the commonest exponent, as the builtin tests it first
    # (functions._QUANTA)
    def inline(impl: str, a: list[str]) -> str:
        x = a[0]
        return f"({result} if type({x}) is Decimal and {x}.same_quantum(PRINTED) else {impl}({x}))"

    return inline


INLINE = {
    "count": _count,
    "coalesce": _coalesce,
    "get": _get,
    "present": _present,
    "level": _level,
    "min": _extreme("min"),
    "max": _extreme("max"),
    "contains": _string_test("{part} in {s}"),
    "starts_with": _string_test("{s}.startswith({part})"),
    "ends_with": _string_test("{s}.endswith({part})"),
    "ulp": _printed("PRINTED_ULP"),
    "decimals": _printed("PRINTED_DECIMALS"),
}
