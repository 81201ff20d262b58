"""Compile AST expressions to Python closures once, checking names, arity and paths statically."""

from __future__ import annotations

from functools import partial
from operator import itemgetter

from budgetlint.dsl import ast
from budgetlint.dsl.compile_operators import OperatorCompiler
from budgetlint.dsl.functions import BUILTINS, compile_pattern
from budgetlint.dsl.schema_types import PathError, SchemaIndex, SType
from budgetlint.dsl.scope import (
    BUDGET,
    SETTINGS,
    UNSET,
    Compiled,
    Fn,
    RuleBudgetExceeded,
    Scope,
    StaticError,
    restore_binding,
    spend,
)
from budgetlint.dsl.specialise import (
    call_builtin,
    checked,
    field_chain,
    read_path,
)
from budgetlint.dsl.values import (
    RuleTypeError,
    get_field,
    kind,
)
from budgetlint.hints import did_you_mean


class ExprCompiler(OperatorCompiler):
    """Turns expressions into closures; collects static errors instead of stopping at the first."""

    def __init__(self, schema: SchemaIndex | None, defines: dict[str, ast.Define]):
        self.schema = schema
        self.defines = defines
        self.errors: list[StaticError] = []
        self._compiled_defs: dict[str, Fn | None] = {}
        self.def_costs: dict[str, int] = {}  # a definition's size with every call expanded
        self._oversized: set[str] = set()  # definitions refused for their expanded size
        self._logical_defs: set[str] = set()  # definitions whose body is a condition
        self._compiling: list[str] = []
        # node class → its compile method (_literal for ast.Literal …)
        self._methods = {kind: getattr(self, "_" + kind.__name__.lower()) for kind in ast.EXPRESSIONS}

    def error(self, span: ast.Span, message: str) -> None:
        self.errors.append(StaticError(span, message))

    def abandon(self, name: str | None = None) -> None:
        """After a compilation stopped by an exception: nothing is being compiled any more, and
        the definition `name` stays unusable (its calls compile to null, reported once)."""
        for pending in [*self._compiling, *([name] if name else [])]:
            self._compiled_defs.setdefault(pending, None)
        self._compiling.clear()

    # --- definitions ---------------------------------------------------------------------
    def define(self, name: str, span: ast.Span) -> Fn | None:
        if name in self._compiled_defs:
            return self._compiled_defs[name]
        if name in self._compiling:
            cycle = " → ".join([*self._compiling[self._compiling.index(name) :], name])
            self.error(span, f"definitions may not call themselves (recursion: {cycle})")
            return None
        d = self.defines[name]
        self._compiling.append(name)
        scope = Scope({p: None for p in d.params})
        compiled = self.expr(d.body, scope)
        self._compiling.pop()
        called: set[str] = set()
        cost = expanded_size(d.body, self.def_costs, called)
        self.def_costs[name] = cost
        if cost > MAX_EXPANSION:
            if not called & self._oversized:  # reported at the first, not at each that calls it
                self.error(
                    d.span,
                    f"definition '{name}' expands to more than {MAX_EXPANSION:,} operations "
                    "(its calls of other definitions multiply); simplify it",
                )
            self._oversized.add(name)
            self._compiled_defs[name] = None
            return None
        self._compiled_defs[name] = compiled.fn
        if compiled.logical:
            self._logical_defs.add(name)
        return compiled.fn

    def _is_formula(self, d: ast.Define) -> bool:
        """A body made only of builtin calls, arithmetic and literals over the parameters, each
        parameter read exactly once and in their order: the same as writing the body at the call
        site, where every argument is then evaluated once and in the order the call would have."""
        read: list[str] = []  # the parameters in the order the body evaluates them

        def plain(node) -> bool:
            if isinstance(node, ast.Literal):
                return True
            if isinstance(node, ast.Name):
                read.append(node.name)
                return node.name in d.params
            if isinstance(node, ast.BinOp):
                return plain(node.left) and plain(node.right)
            if isinstance(node, ast.Call) and node.func not in self.defines and node.func != "matches":
                return all(plain(a) for a in node.args)
            return False

        return plain(d.body) and read == list(d.params)

    # --- expressions ---------------------------------------------------------------------
    def expr(self, node: ast.Node, scope: Scope) -> Compiled:
        return self._methods[type(node)](node, scope)

    def _literal(self, node: ast.Literal, scope: Scope) -> Compiled:
        value = node.value
        return Compiled(lambda env: value, logical=value is None or isinstance(value, bool))

    def _it(self, node: ast.It, scope: Scope) -> Compiled:
        if not scope.in_filter:
            self.error(node.span, "'it' only has a meaning inside a filter [ … ]")
        return Compiled(lambda env: env.get("@"), scope.element)

    def _name(self, node: ast.Name, scope: Scope) -> Compiled:
        name = node.name
        if name in scope.names:  # itemgetter reads the binding in C: no Python frame per read
            if scope.in_filter and self._element_has(scope.element, name):
                self.error(
                    node.span,
                    f"'{name}' inside [ … ] is ambiguous: it is bound here and is also a field of the "
                    f"element; write it.{name} for the field, or rename the binding",
                )
            return Compiled(itemgetter(name), scope.names[name])
        if scope.in_filter:
            stype = self._field_type(scope.element, name, "a filtered element", node.span)
            return Compiled(read_path("@", (name,), ()), stype)
        if self.schema is None or self.schema.is_root_field(name):
            stype = self._field_type(
                self.schema.root() if self.schema else None, name, "the document", node.span
            )
            return Compiled(read_path("$", (name,), ()), stype)
        hint = did_you_mean(name, [*scope.names, *self.schema.root_fields()])
        self.error(node.span, f"unbound name '{name}'{hint}")
        return Compiled(lambda env: None)

    def element_of(self, stype: SType | None) -> SType | None:
        """What the schema says one element of a list-valued expression is (None: unknown)."""
        return self.schema.element(stype) if self.schema else None

    def _element_has(self, element: SType | None, name: str) -> bool:
        return self.schema is not None and element is not None and self.schema.has_field(element, name)

    def _field_type(self, stype, name, where: str | ast.Node, span) -> SType | None:
        if self.schema is None:
            return None
        # a node is described only if the path is wrong (rarely)
        described = where if isinstance(where, str) else partial(_describe_path, where)
        try:
            return self.schema.field(stype, name, described)
        except PathError as err:
            self.error(span, err.message)
            return None

    def _attr(self, node: ast.Attr, scope: Scope) -> Compiled:
        chain = field_chain(node, scope)
        if chain is not None:  # `row.a.b`, `tables.revenue.rows`: one call for the whole path
            # and no closures for its prefixes (`row.a`, `row`): only their types are checked
            attrs = []
            root = node
            while isinstance(root, ast.Attr):
                attrs.append(root)
                root = root.base
            stype = self._name(root, scope).stype
            for attr_node in reversed(attrs):
                stype = self._field_type(stype, attr_node.name, attr_node.base, attr_node.span)
            return Compiled(read_path(*chain), stype)
        base = self.expr(node.base, scope)
        name = node.name
        stype = self._field_type(base.stype, name, node.base, node.span)
        base_fn = base.fn

        def attr(env):
            value = base_fn(env)
            return value.get(name) if type(value) is dict else get_field(value, name)

        return Compiled(attr, stype)

    def _index(self, node: ast.Index, scope: Scope) -> Compiled:
        base = self.expr(node.base, scope)
        base_fn = base.fn
        sel = node.selector
        if isinstance(sel, ast.Literal) or (
            isinstance(sel, ast.Neg) and isinstance(sel.operand, ast.Literal)
        ):
            raw = sel.value if isinstance(sel, ast.Literal) else -sel.operand.value
            if not hasattr(raw, "as_integer_ratio") or isinstance(raw, bool | str):
                self.error(sel.span, "an index must be a whole number")
                return Compiled(lambda env: None)
            i = int(raw)

            def pick(env):
                seq = base_fn(env)
                if seq is None:
                    return None
                if not isinstance(seq, list):
                    raise RuleTypeError(f"only a list can be indexed, got {kind(seq)}")
                return seq[i] if -len(seq) <= i < len(seq) else None

            return Compiled(pick, self.element_of(base.stype))
        element = self.element_of(base.stype)
        compiled_test = self.expr(sel, Scope(scope.names, element, True))
        test = compiled_test.fn if compiled_test.logical else checked(compiled_test.fn, "a filter")
        weight = expanded_size(sel, self.def_costs)  # what testing one element costs, at most

        def keep(env):
            seq = base_fn(env)
            if seq is None:
                return None
            if not isinstance(seq, list):
                raise RuleTypeError(f"only a list can be filtered, got {kind(seq)}")
            left = BUDGET[0] - len(seq) * weight
            BUDGET[0] = left
            if left < 0:
                raise RuleBudgetExceeded()
            out = []
            saved = env.get("@", UNSET)
            try:  # rebinding in place: no dict copy per element
                for item in seq:
                    env["@"] = item
                    if test(env) is True:
                        out.append(item)
            finally:
                restore_binding(env, "@", saved)
            return out

        return Compiled(keep, base.stype)

    def _call(self, node: ast.Call, scope: Scope) -> Compiled:
        if node.func == "setting":
            return self._setting(node)
        d = self.defines.get(node.func)
        if d is not None and len(node.args) == len(d.params) and d.params and self._is_formula(d):
            if self.define(node.func, node.span) is None:  # a broken body: reported there, once
                return Compiled(lambda env: None)
            # `amount(x) = coalesce(x, 0)`: compiled at the call site as coalesce(<arg>, 0),
            # without a definition call and its environment per evaluation
            return self.expr(_substitute(d.body, dict(zip(d.params, node.args, strict=True))), scope)
        args = [self.expr(a, scope) for a in node.args]
        fns = [a.fn for a in args]
        if d is not None:
            if len(args) != len(d.params):
                self.error(
                    node.span,
                    f"{node.func}() takes {len(d.params)} argument(s), {len(args)} given",
                )
                return Compiled(lambda env: None)
            body = self.define(node.func, node.span)
            if body is None:
                return Compiled(lambda env: None)
            params = d.params
            logical = node.func in self._logical_defs

            if not params:  # a constant of the document: computed once per document
                key = node.func

                cost = self.def_costs.get(node.func, 1)

                def call_constant(env):
                    memo = env["$memo"]
                    if key not in memo:
                        spend(cost)
                        memo[key] = body({"$": env["$"], "$settings": env["$settings"], "$memo": memo})
                    return memo[key]

                return Compiled(call_constant, logical=logical)

            # The body sees the document, the settings and its parameters only.
            bindings = tuple(zip(params, fns, strict=True))

            def call_def(env):
                inner = {"$": env["$"], "$settings": env["$settings"], "$memo": env["$memo"]}
                for p, f in bindings:
                    inner[p] = f(env)
                return body(inner)

            return Compiled(call_def, logical=logical)
        builtin = BUILTINS.get(node.func)
        if builtin is None:
            hint = did_you_mean(node.func, [*BUILTINS, *self.defines])
            self.error(node.span, f"unknown function '{node.func}'{hint}")
            return Compiled(lambda env: None)
        n = len(args)
        if n < builtin.min_args or (builtin.max_args is not None and n > builtin.max_args):
            want = (
                str(builtin.min_args)
                if builtin.min_args == builtin.max_args
                else f"{builtin.min_args} or more"
                if builtin.max_args is None
                else f"{builtin.min_args} to {builtin.max_args}"
            )
            self.error(node.span, f"{node.func}() takes {want} argument(s), {n} given")
            return Compiled(lambda env: None)
        impl = builtin.impl
        if node.func == "matches":
            pattern_node = node.args[1]
            if not isinstance(pattern_node, ast.Literal) or not isinstance(pattern_node.value, str):
                self.error(node.span, "matches() needs its pattern as a string literal")
                return Compiled(lambda env: None)
            try:
                pattern = compile_pattern(pattern_node.value)
            except ValueError as err:
                self.error(pattern_node.span, str(err))
                return Compiled(lambda env: None)
            subject = fns[0]
            return Compiled(lambda env: impl(subject(env), pattern), logical=True)
        if builtin.per_document:
            return Compiled(lambda env: impl(env["$memo"], *[f(env) for f in fns]), logical=builtin.logical)
        return Compiled(call_builtin(impl, node.args, fns, scope), logical=builtin.logical)

    def _setting(self, node: ast.Call) -> Compiled:
        """`setting('name')`: a value the run sets (configuration), with its default."""
        arg = node.args[0] if len(node.args) == 1 else None
        if not isinstance(arg, ast.Literal) or arg.value not in SETTINGS:
            self.error(node.span, f"setting() takes one of: {', '.join(repr(k) for k in SETTINGS)}")
            return Compiled(lambda env: None)
        name, default = arg.value, SETTINGS[arg.value]
        return Compiled(lambda env: (env.get("$settings") or {}).get(name, default))

    def _listlit(self, node: ast.ListLit, scope: Scope) -> Compiled:
        fns = [self.expr(i, scope).fn for i in node.items]
        return Compiled(lambda env: [f(env) for f in fns])

    def _comprehension(self, node: ast.Comprehension, scope: Scope) -> Compiled:
        source = self.expr(node.source, scope)
        element = self.element_of(source.stype)
        inner = scope.bind(node.name, element)
        make = self.expr(node.expr, inner).fn
        test = self.test(node.test, inner, "'if'") if node.test is not None else None
        source_fn, name = source.fn, node.name
        weight = expanded_size((node.expr, node.test), self.def_costs)  # one element, at most

        def build(env):
            seq = source_fn(env)
            if seq is None:
                return None
            if not isinstance(seq, list | tuple | frozenset):
                raise RuleTypeError(f"'for' in [ … ] needs a list, got {kind(seq)}")
            left = BUDGET[0] - len(seq) * weight
            BUDGET[0] = left
            if left < 0:
                raise RuleBudgetExceeded()
            out = []
            saved = env.get(name, UNSET)
            try:
                for item in seq:
                    env[name] = item
                    if test is None or test(env) is True:
                        out.append(make(env))
            finally:
                restore_binding(env, name, saved)
            return out

        return Compiled(build)


# A definition may call others, each several times: `e40(x) = e39(x) + e39(x)` is 2^40 calls.
MAX_EXPANSION = 100_000


def expanded_size(node, def_costs: dict[str, int], called: set | None = None) -> int:
    """How many nodes an expression (or statement, or tuple of them) has once every call of a
    definition is replaced by its body, plus one (def_costs: the definitions' own expanded sizes;
    `called` gets the names of those it calls); counted without recursion. What one evaluation
    costs at most, loops inside it aside: a loop charges the budget len(list) × its body's size
    when it starts, so a definition called in a loop is paid for there, not at each call."""
    total = 1
    stack = [node]
    while stack:
        n = stack.pop()
        if hasattr(n, "_fields"):  # a node: its span first, then its fields
            total += 1
            if type(n) is ast.Call and n.func in def_costs:
                total += def_costs[n.func]
                if called is not None:
                    called.add(n.func)
            stack.extend(v for v in n[1:] if isinstance(v, tuple))
        elif isinstance(n, tuple):  # nodes (arguments, items …) or a message part (node, format)
            stack.extend(v for v in n if isinstance(v, tuple))
    return total


def _substitute(node, arguments: dict):
    """A formula's body (see ExprCompiler._is_formula) with each parameter replaced by its argument."""
    if isinstance(node, ast.Name):
        return arguments[node.name]
    if isinstance(node, ast.BinOp):
        return node._replace(left=_substitute(node.left, arguments), right=_substitute(node.right, arguments))
    if isinstance(node, ast.Call):
        return node._replace(args=tuple(_substitute(a, arguments) for a in node.args))
    return node


def _describe_path(node: ast.Node) -> str:
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.Attr):
        return f"{_describe_path(node.base)}.{node.name}"
    if isinstance(node, ast.Index):
        return f"{_describe_path(node.base)}[…]"
    if isinstance(node, ast.Call):
        return f"{node.func}(…)"
    return "this value"


def evaluate(text: str, document: dict, defines: dict | None = None):
    """Evaluate one expression against a document (for tests, docs and the REPL-minded)."""
    from budgetlint.dsl.parser import parse_expression

    compiler = ExprCompiler(None, defines or {})
    compiled = compiler.expr(parse_expression(text, "<expr>"), Scope())
    if compiler.errors:
        raise ValueError("; ".join(str(e) for e in compiler.errors))
    return compiled.fn({"$": document, "$settings": {}, "$memo": {}})
