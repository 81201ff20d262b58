"""Compile AST expressions to Python code once, checking names, arity and paths statically.

Each method of ExprCompiler checks one node and returns its Compiled: a Python expression over
the locals of the function being generated (self.fn), after emitting into it the statements the
value needs first (the loop of a filter, the branches of `and`/`or`/`if`). What may be generated,
and why a rule can do no more than its builtins: budgetlint/dsl/codegen.py.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import partial

from budgetlint.dsl import ast
from budgetlint.dsl.codegen import INLINE, Function, Module, load
from budgetlint.dsl.compile_operators import OperatorCompiler
from budgetlint.dsl.functions import BUILTINS
from budgetlint.dsl.schema_types import PathError, SchemaIndex, SType
from budgetlint.dsl.scope import (
    SETTINGS,
    Compiled,
    Scope,
    StaticError,
)
from budgetlint.hints import did_you_mean

NULL = "None"
PATTERNED = frozenset({"matches", "matched"})  # builtins whose second argument is a literal pattern
RECORD = "x-budgetlint-record"  # marks the schema node standing for a record's type


def is_record(stype: SType | None) -> bool:
    return stype is not None and not stype.is_list and stype.node.get(RECORD, False)


def _schema_node(stype: SType | None) -> dict:
    """A schema node standing for what stype says ({}: anything)."""
    if stype is None:
        return {}
    return {"type": "array", "items": stype.node} if stype.is_list else stype.node


class ExprCompiler(OperatorCompiler):
    """Turns expressions into generated code; collects static errors instead of stopping at the first."""

    def __init__(self, schema: SchemaIndex | None, defines: dict[str, ast.Define]):
        self.schema = schema
        self.defines = defines
        self.errors: list[StaticError] = []
        self.module = Module()
        self.fn: Function | None = None  # the function being generated
        self._compiled_defs: dict[str, tuple[str, bool] | None] = {}  # name → (function, logical)
        self.def_types: dict[str, SType] = {}  # a definition giving a record: the record's type
        self.names: dict[str, str | None] = {}  # unqualified → qualified name (modules.link)
        self._record_types: list[dict] = []  # kept alive: SchemaIndex caches by id() of a node
        self.def_costs: dict[str, int] = {}  # a definition's size with every call expanded
        self._oversized: set[str] = set()  # definitions refused for their expanded size
        self._broken: set[str] = set()  # definitions with static errors in their body
        self._compiling: list[str] = []
        self._numbered = 0  # definitions' functions numbered so far
        self._pure_codes: set[str] = set()  # the code of field reads and builtin calls (see pure())
        # loop-invariant expressions (see hoist()): how many of the rule's `for` steps enclose the
        # code being generated, the loop level each local's value depends on (a local not in it:
        # on the innermost loop), and per level the line before the next `for` setting the
        # locals that hold those values to MISSING
        self.loop_level = 0
        self.levels: dict[str, int] = {}
        self._slots: list[tuple[int, str, list[str]]] = []
        self._hoisting = False
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
        self.fn = None

    @contextmanager
    def function(self, fn: Function):
        """Generate into fn, then go back to the function being generated before."""
        outer = self.fn, self.loop_level, self.levels, self._slots, self._hoisting
        self.fn, self.loop_level, self.levels, self._slots, self._hoisting = fn, 0, {}, [], False
        try:
            yield fn
        finally:
            self.fn, self.loop_level, self.levels, self._slots, self._hoisting = outer

    # --- loop-invariant expressions ----------------------------------------------------------
    def enter_loop(self) -> None:
        """Before a rule's `for` header: the line that will reset the locals holding the values
        hoisted out of it (see hoist()); blank while there are none."""
        self.fn.lines.append("")
        self._slots.append((len(self.fn.lines) - 1, "    " * self.fn.depth, []))
        self.loop_level += 1

    def level(self, node: ast.Node, scope: Scope) -> tuple[int, bool]:
        """The loop level an expression's value depends on (the deepest of the locals it reads;
        0: the document and settings only), and whether it is clean: it charges the budget
        nothing (no loop, no definition with parameters, no `+`, which charges for long text or
        lists), so that computing it again gives the same value and charges nothing."""
        top, clean = 0, True
        stack = [(node, scope)]
        while stack:
            n, sc = stack.pop()
            kind = type(n)
            if kind is ast.Name:
                if n.name in sc.names:
                    top = max(top, self.levels.get(sc.vars[n.name], _INNER))
                elif sc.in_filter:
                    top = _INNER  # a field of the element tested
            elif kind is ast.It:
                top = _INNER
            elif kind is ast.Attr:
                stack.append((n.base, sc))
            elif kind is ast.Index:
                sel = n.selector
                if type(sel) is ast.Literal or (type(sel) is ast.Neg and type(sel.operand) is ast.Literal):
                    stack.append((n.base, sc))
                else:  # a filter: a loop
                    clean = False
                    stack.extend(((n.base, sc), (sel, sc.filtering(None, "None"))))
            elif kind is ast.Comprehension:
                clean = False
                inner = sc.bind(n.name, None, "")  # a local of its own loop: not in levels
                stack.extend((x, inner) for x in (n.expr, n.test) if x is not None)
                stack.append((n.source, sc))
            elif kind is ast.Call:
                d = self.defines.get(n.func)
                if d is not None and len(n.args) == len(d.params) and d.params and self._is_formula(d):
                    stack.append((_substitute(d.body, dict(zip(d.params, n.args, strict=True))), sc))
                    continue
                # a definition sees its arguments and the document; one with parameters may loop
                # (a setting, a constant of the document: charged once, when first computed)
                clean = clean and (
                    n.func == "setting"
                    or (n.func not in self.defines and n.func in BUILTINS)
                    or (d is not None and not d.params)
                )
                stack.extend((a, sc) for a in n.args)
            elif kind is ast.BinOp:
                clean = clean and n.op != "+"
                stack.extend(((n.left, sc), (n.right, sc)))
            elif kind in (ast.Neg, ast.Not):
                stack.append((n.operand, sc))
            elif kind is ast.Compare:
                stack.extend((x, sc) for x in (n.left, n.right, n.tolerance) if x is not None)
            elif kind in (ast.In, ast.And, ast.Or):
                stack.extend(((n.left, sc), (n.right, sc)))
            elif kind is ast.Cond:
                stack.extend(((n.test, sc), (n.then, sc), (n.otherwise, sc)))
            elif kind in (ast.ListLit, ast.SetLit):
                stack.extend((x, sc) for x in n.items)
            elif kind is ast.RecordLit:
                stack.extend((x, sc) for _, x in n.fields)
            elif kind is not ast.Literal:
                top, clean = _INNER, False
        return min(top, _INNER), clean

    def _hoistable(self, node: ast.Node, scope: Scope) -> int | None:
        """The loop level to hoist node to, or None: a value that cannot be a list or object
        built anew (whose identity a memoised definition's call would see), clean (level()) and
        depending on no local of the innermost loop."""
        kind = type(node)
        if kind is ast.Call:
            d = self.defines.get(node.func)
            if d is not None:
                if len(node.args) != len(d.params) or not d.params or not self._is_formula(d):
                    return None
                return self._hoistable(
                    _substitute(d.body, dict(zip(d.params, node.args, strict=True))), scope
                )
            if node.func not in SCALAR_BUILTINS:
                return None
        elif kind is ast.BinOp:
            if node.op not in ("-", "*", "/"):
                return None
        elif kind not in HOISTED:
            return None
        level, clean = self.level(node, scope)
        return level if clean and level < self.loop_level else None

    def hoist(self, node: ast.Node, scope: Scope, level: int) -> Compiled:
        """A loop-invariant expression inside a `for` (see _hoistable): computed where it always
        was, the first time the loop's body reaches it after entering the loop at `level`, and
        kept in a local for the following elements. Its first evaluation raises what it always
        raised, at the same point (never for an empty loop or one whose `when` holds for no
        element); a later one would give the same value and charges the budget nothing."""
        fn = self.fn
        var = fn.fresh("h")
        start = len(fn.lines)
        with fn.block(f"if {var} is MISSING:"):
            self._hoisting = True
            try:
                compiled = self._methods[type(node)](node, scope)
            finally:
                self._hoisting = False
            if len(fn.lines) == start + 1 and _is_simple(compiled.code):
                del fn.lines[start]  # a local already holding it (a pure call read again)
                return compiled
            self.emit(f"{var} = {compiled.code}")
        line, indent, names = self._slots[level]
        names.append(var)
        fn.lines[line] = f"{indent}{' = '.join(names)} = MISSING"
        self.levels[var] = level
        return Compiled(var, compiled.stype, compiled.logical)

    # --- emitting into the current function -------------------------------------------------
    def emit(self, line: str) -> None:
        self.fn.emit(line)

    def simple(self, code: str) -> str:
        """code as something that can be read more than once: a name or a literal."""
        if code.isidentifier() or code in ("None", "True", "False"):  # not text: `'x' is None` warns
            return code
        var = self.fn.reuse(code)
        if var is not None:
            return var
        var = self.fn.fresh()
        self.emit(f"{var} = {code}")
        if code in self._pure_codes:
            self.fn.held[code] = (var, self.fn.depth)
        return var

    def pure(self, code: str, args: list[str] | tuple[str, ...] = ()) -> str:
        """code, a pure computation over args (a field read, a builtin's call): the local already
        holding its value here if there is one, else code, marked for simple() to hold. Its value
        depends only on what it reads, and the locals it reads are never assigned again (loop
        variables aside, whose reads are held inside the loop only): once it is in a local, the
        same code later in the same block or a block inside it is that local — `t.rows` read
        once per table, not once per row; `count(kids)` of a row's `when` not counted again for
        each column. Nothing is moved: the first is evaluated where it always was, so errors come
        in the same order. A code with an argument that is not itself pure (an arithmetic that may
        charge the budget, a definition's call) is left as it is."""
        held = self.fn.reuse(code)
        if held is not None:
            return held
        if all(a in self._pure_codes or _is_simple(a) for a in args):
            self._pure_codes.add(code)
        return code

    def field(self, base: str, name: str) -> str:
        """`base.name`, a pure read (see pure())."""
        b = self.simple(base)
        return self.pure(f"({b}.get({name!r}) if type({b}) is dict else get_field({b}, {name!r}))")

    def spend(self, seq: str, weight: int) -> None:
        """A loop over seq charges the evaluation budget its length × its body's size, at its start."""
        self.emit(f"spend(len({seq}) * {weight})")

    # --- definitions ---------------------------------------------------------------------
    def define(self, name: str, span: ast.Span) -> tuple[str, bool] | None:
        """The generated function of a definition and whether it is logical; None if unusable."""
        if name in self._compiled_defs:
            return self._compiled_defs[name]
        if name in self._compiling:
            cycle = " → ".join([*self._compiling[self._compiling.index(name) :], name])
            cycle = " → ".join(self.defines[n].name if n in self.defines else n for n in cycle.split(" → "))
            self.error(span, f"definitions may not call themselves (recursion: {cycle})")
            return None
        d = self.defines[name]
        self._compiling.append(name)
        self._numbered += 1
        fname = f"def_{self._numbered}"
        params = [f"p{i}" for i in range(len(d.params))]
        scope = Scope({p: None for p in d.params}, vars=dict(zip(d.params, params, strict=True)))
        header = f"def {fname}(doc, settings, memo{''.join(', ' + p for p in params)}):"
        fn = Function(fname, header, f"# definition {name!r} ({d.span})"[:200])
        errors_before = len(self.errors)
        with self.function(fn):
            fn.at(d.body.span)
            compiled = self.expr(d.body, scope)
            self.emit(f"return {compiled.code}")
        if len(self.errors) > errors_before:
            self._broken.add(name)  # never written out at a call: its errors are its own
        if is_record(compiled.stype):
            self.def_types[name] = compiled.stype
        self._compiling.pop()
        called: set[str] = set()
        cost = expanded_size(d.body, self.def_costs, called)
        self.def_costs[name] = cost
        if cost > MAX_EXPANSION:
            if not called & self._oversized:  # reported at the first, not at each that calls it
                self.error(
                    d.span,
                    f"definition '{d.name}' expands to more than {MAX_EXPANSION:,} operations "
                    "(its calls of other definitions multiply); simplify it",
                )
            self._oversized.add(name)
            self._compiled_defs[name] = None
            return None
        self.module.add(fn)
        self._compiled_defs[name] = (fname, compiled.logical)
        return self._compiled_defs[name]

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
            if isinstance(node, ast.Call) and node.func not in self.defines and node.func not in PATTERNED:
                return all(plain(a) for a in node.args)
            return False

        return plain(d.body) and read == list(d.params)

    # --- expressions ---------------------------------------------------------------------
    def expr(self, node: ast.Node, scope: Scope) -> Compiled:
        if self.loop_level and not self._hoisting and type(node) in HOISTED:
            level = self._hoistable(node, scope)
            if level is not None:
                return self.hoist(node, scope, level)
        return self._methods[type(node)](node, scope)

    def _literal(self, node: ast.Literal, scope: Scope) -> Compiled:
        value = node.value
        return Compiled(self.module.const(value), logical=value is None or isinstance(value, bool))

    def _it(self, node: ast.It, scope: Scope) -> Compiled:
        if not scope.in_filter:
            self.error(node.span, "'it' only has a meaning inside a filter [ … ]")
            return Compiled(NULL)
        return Compiled(scope.element_var, scope.element)

    def _name(self, node: ast.Name, scope: Scope) -> Compiled:
        name = node.name
        if name in scope.names:
            if scope.in_filter and self._element_has(scope.element, name):
                self.error(
                    node.span,
                    f"'{name}' inside [ … ] is ambiguous: it is bound here and is also a field of the "
                    f"element; write it.{name} for the field, or rename the binding",
                )
            var = scope.vars[name]
            return Compiled(var, scope.names[name], logical=var in self.fn.logical)
        if scope.in_filter:
            stype = self._field_type(scope.element, name, "a filtered element", node.span)
            return Compiled(self.field(scope.element_var, name), stype)
        if self.schema is None or self.schema.is_root_field(name):
            stype = self._field_type(
                self.schema.root() if self.schema else None, name, "the document", node.span
            )
            return Compiled(self.field("doc", name), stype)
        hint = did_you_mean(name, [*scope.names, *self.schema.root_fields()])
        self.error(node.span, f"unbound name '{name}'{hint}")
        return Compiled(NULL)

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
        base = self.expr(node.base, scope)
        stype = self._field_type(base.stype, node.name, node.base, node.span)
        return Compiled(self.field(base.code, node.name), stype)

    def _index(self, node: ast.Index, scope: Scope) -> Compiled:
        base = self.expr(node.base, scope)
        sel = node.selector
        if is_record(base.stype):
            names = list(base.stype.node["properties"])
            example = f"{_describe_path(node.base)}.{names[0]}" if names else "by name"
            self.error(
                node.span, f"a record's fields are read by name ({example}); it has: {', '.join(names)}"
            )
            return Compiled(NULL)
        if isinstance(sel, ast.Literal) or (
            isinstance(sel, ast.Neg) and isinstance(sel.operand, ast.Literal)
        ):
            raw = sel.value if isinstance(sel, ast.Literal) else -sel.operand.value
            if not hasattr(raw, "as_integer_ratio") or isinstance(raw, bool | str):
                self.error(sel.span, "an index must be a whole number")
                return Compiled(NULL)
            i = int(raw)
            seq = self.simple(base.code)
            # like a field read (see field()): `check[0]` read again in the same block is the
            # local that holds it (the key is no code: a field read's code starts with "(")
            key = f"{seq}[{i!r}]"
            held = self.fn.reuse(key)
            if held is not None:
                return Compiled(held, self.element_of(base.stype))
            out = self.fn.fresh()
            with self.fn.block(f"if {seq} is None:"):
                self.emit(f"{out} = None")
            with self.fn.block(f"elif type({seq}) is list:"):
                self.emit(f"{out} = {seq}[{i!r}] if {(-i - 1 if i < 0 else i)!r} < len({seq}) else None")
            with self.fn.block("else:"):
                self.emit(f'raise RuleTypeError("only a list can be indexed, got " + kind({seq}))')
            self.fn.held[key] = (out, self.fn.depth)
            return Compiled(out, self.element_of(base.stype))
        element = self.element_of(base.stype)
        seq, out, var = self.simple(base.code), self.fn.fresh(), self.fn.fresh("e")
        with self.fn.block(f"if {seq} is None:"):
            self.emit(f"{out} = None")
        with self.fn.block("else:"):
            with self.fn.block(f"if not isinstance({seq}, list):"):
                self.emit(f'raise RuleTypeError("only a list can be filtered, got " + kind({seq}))')
            self.spend(seq, expanded_size(sel, self.def_costs))  # testing one element costs at most this
            self.emit(f"{out} = []")
            with self.fn.block(f"for {var} in {seq}:"):
                test = self.test(sel, scope.filtering(element, var), "a filter")
                with self.fn.block(f"if {test} is True:"):
                    self.emit(f"{out}.append({var})")
        return Compiled(out, base.stype)

    def _call(self, node: ast.Call, scope: Scope) -> Compiled:
        if node.func == "setting":
            return self._setting(node)
        d = self.defines.get(node.func)
        if d is not None and len(node.args) == len(d.params) and d.params and self._is_formula(d):
            if self.define(node.func, node.span) is None:  # a broken body: reported there, once
                return Compiled(NULL)
            # `amount(x) = coalesce(x, 0)`: compiled at the call site as coalesce(<arg>, 0),
            # without a definition call per evaluation
            return self.expr(_substitute(d.body, dict(zip(d.params, node.args, strict=True))), scope)
        if d is not None:
            args = [self.expr(a, scope).code for a in node.args]
            if len(args) != len(d.params):
                self.error(node.span, f"{d.name}() takes {len(d.params)} argument(s), {len(args)} given")
                return Compiled(NULL)
            compiled = self.define(node.func, node.span)
            if compiled is None:
                return Compiled(NULL)
            fname, logical = compiled
            self.fn.calls.add(fname)
            if not d.params:  # a constant of the document: computed once per document
                out, key = self.fn.fresh(), repr(node.func)
                self.emit(f"{out} = memo.get({key}, MISSING)")
                with self.fn.block(f"if {out} is MISSING:"):
                    self.emit(f"spend({self.def_costs.get(node.func, 1)!r})")
                    self.emit(f"{out} = memo[{key}] = {fname}(doc, settings, memo)")
                return Compiled(out, self.def_types.get(node.func), logical=logical)
            # the body sees the document, the settings and its parameters only
            projects = _projects(d.body)
            if (
                self.def_costs.get(node.func, INLINED + 1) <= INLINED
                and node.func not in self._broken
                and not projects
            ):
                # a small definition (`place(x) = if x == 0 then null else ulp(x)`) is written
                # out at the call: its arguments evaluated into locals first, in their order, as
                # for a call; then its body over them, in a scope of its parameters only
                params = [self.simple(a) for a in args]
                if self.loop_level:  # each parameter's local depends on what its argument does
                    for a, p in zip(node.args, params, strict=True):
                        level, clean = self.level(a, scope)
                        self.levels[p] = min(self.levels.get(p, _INNER), level if clean else _INNER)
                inner = Scope({p: None for p in d.params}, vars=dict(zip(d.params, params, strict=True)))
                body = self.expr(d.body, inner)
                return Compiled(body.code, self.def_types.get(node.func), logical=body.logical)
            if projects:  # a memo: `prints(t, k)` projects t.columns.key once per (t, k)
                cost = self.def_costs.get(node.func, 1)
                code = f"memoised(memo, {fname}, {cost!r}, doc, settings, {', '.join(args)})"
                return Compiled(code, self.def_types.get(node.func), logical=logical)
            code = f"{fname}(doc, settings, memo, {', '.join(args)})"
            return Compiled(code, self.def_types.get(node.func), logical=logical)
        builtin = BUILTINS.get(node.func)
        if builtin is None:
            hint = did_you_mean(node.func, [*BUILTINS, *(d.name for d in self.defines.values())])
            self.error(node.span, f"unknown function '{node.func}'{hint}")
            return Compiled(NULL)
        n = len(node.args)
        if n < builtin.min_args or (builtin.max_args is not None and n > builtin.max_args):
            want = (
                str(builtin.min_args)
                if builtin.min_args == builtin.max_args
                else f"{builtin.min_args} or more"
                if builtin.max_args is None
                else f"{builtin.min_args} to {builtin.max_args}"
            )
            self.error(node.span, f"{node.func}() takes {want} argument(s), {n} given")
            return Compiled(NULL)
        impl = self.module.builtin(node.func)
        if node.func in PATTERNED:
            pattern_node = node.args[1]
            if not isinstance(pattern_node, ast.Literal) or not isinstance(pattern_node.value, str):
                self.error(node.span, f"{node.func}() needs its pattern as a string literal")
                return Compiled(NULL)
            try:
                pattern = self.module.pattern(pattern_node.value)  # checked as it is planned
            except ValueError as err:
                self.error(pattern_node.span, str(err))
                return Compiled(NULL)
            subject = self.expr(node.args[0], scope).code
            code = f"{impl}({subject}, {pattern})"
            return Compiled(self.pure(code, [subject]), logical=builtin.logical)
        # a builtin is a pure function of its arguments (and of the document, per_document ones)
        args = [self.expr(a, scope).code for a in node.args]
        if node.func in INLINE:
            args = [self.simple(a) for a in args]
            return Compiled(self.pure(INLINE[node.func](impl, args), args), logical=builtin.logical)
        code = f"{impl}({', '.join(['memo', *args] if builtin.per_document else args)})"
        return Compiled(self.pure(code, args), logical=builtin.logical)

    def _setting(self, node: ast.Call) -> Compiled:
        """`setting('name')`: a value the run sets (configuration), with its default."""
        arg = node.args[0] if len(node.args) == 1 else None
        if not isinstance(arg, ast.Literal) or arg.value not in SETTINGS:
            self.error(node.span, f"setting() takes one of: {', '.join(repr(k) for k in SETTINGS)}")
            return Compiled(NULL)
        name = arg.value
        return Compiled(f"settings.get({name!r}, {self.module.const(SETTINGS[name])})")

    def _listlit(self, node: ast.ListLit, scope: Scope) -> Compiled:
        items = [self.simple(self.expr(i, scope).code) for i in node.items]
        return Compiled("[" + ", ".join(items) + "]")

    def _recordlit(self, node: ast.RecordLit, scope: Scope) -> Compiled:
        compiled = [(name, self.expr(value, scope)) for name, value in node.fields]
        code = "{" + ", ".join(f"{name!r}: {self.simple(c.code)}" for name, c in compiled) + "}"
        if self.schema is None:
            return Compiled(code)
        # its type: a closed object whose fields have the types their values have, so that a
        # misspelt `r.totl` is a static error as a misspelt document field is
        props = {name: _schema_node(c.stype) for name, c in compiled}
        record = {"type": "object", "properties": props, "additionalProperties": False, RECORD: True}
        self._record_types.append(record)
        return Compiled(code, SType(record))

    def _comprehension(self, node: ast.Comprehension, scope: Scope) -> Compiled:
        source = self.expr(node.source, scope)
        element = self.element_of(source.stype)
        seq, out = self.simple(source.code), self.fn.fresh()
        var = self.fn.fresh(name=node.name)
        inner = scope.bind(node.name, element, var)
        with self.fn.block(f"if {seq} is None:"):
            self.emit(f"{out} = None")
        with self.fn.block("else:"):
            with self.fn.block(f"if type({seq}) is not list and not isinstance({seq}, SEQUENCES):"):
                self.emit(f"raise RuleTypeError(\"'for' in [ … ] needs a list, got \" + kind({seq}))")
            self.spend(seq, expanded_size((node.expr, node.test), self.def_costs))  # one element, at most
            self.emit(f"{out} = []")
            with self.fn.block(f"for {var} in {seq}:"):
                if node.test is None:
                    self.emit(f"{out}.append({self.expr(node.expr, inner).code})")
                else:
                    test = self.test(node.test, inner, "'if'")
                    with self.fn.block(f"if {test} is True:"):
                        self.emit(f"{out}.append({self.expr(node.expr, inner).code})")
        return Compiled(out)


# Loop-invariant expressions (ExprCompiler.hoist): the nodes that may be, and the builtins whose
# value is never a list or object built anew.
HOISTED = frozenset({ast.Call, ast.BinOp, ast.Neg, ast.Not, ast.Compare, ast.In, ast.And, ast.Or})
SCALAR_BUILTINS = frozenset(
    {
        *("sum", "count", "round", "truncate", "decimals", "ulp", "abs", "pct", "len", "present"),
        *("empty", "any", "all", "contains", "starts_with", "ends_with", "matches", "level", "str"),
        *("year", "days", "abbreviates", "parent"),
    }
)
_INNER = 1 << 30  # the level of a local of the innermost loop, or of one not known

# A definition may call others, each several times: `e40(x) = e39(x) + e39(x)` is 2^40 calls.
MAX_EXPANSION = 100_000
# A definition with parameters this size or smaller (expanded, compiler.expanded_size) is written
# out where it is called instead of called, unless it is memoised (_projects).
INLINED = 40


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


def _is_simple(code: str) -> bool:
    """A local, a constant or an inline literal (text, a whole number, null, true, false)."""
    literal = code[:1] in ("'", '"') or code.isdigit() or code in ("None", "True", "False")
    return literal or code.isidentifier()


def _projects(node) -> bool:
    """Whether an expression reads a field of a field (`t.columns.key`: a projection over every
    column of a table), what a memo of the definition's values saves walking again."""
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is ast.Attr and type(n.base) is ast.Attr:
            return True
        if isinstance(n, tuple):
            stack.extend(v for v in n if isinstance(v, tuple))
    return False


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


def compile_expression(compiler: ExprCompiler, node: ast.Node):
    """One expression as a generated function `expression(doc, settings, memo)`: its code object
    and the function's name (the definitions it calls are in compiler.module). Static errors go
    to compiler.errors; the code is then that of a broken expression, not to be run."""
    fn = Function("expression", "def expression(doc, settings, memo):")
    with compiler.function(fn):
        fn.at(node.span)
        compiler.emit(f"return {compiler.expr(node, Scope()).code}")
    source = compiler.module.source(extra=fn)
    return compile(source, "<expression>", "exec")


def evaluate(text: str, document: dict, defines: dict | None = None):
    """Evaluate one expression against a document (for tests, docs and the REPL-minded)."""
    from budgetlint.dsl.parser import parse_expression

    compiler = ExprCompiler(None, defines or {})
    code = compile_expression(compiler, parse_expression(text, "<expr>"))
    if compiler.errors:
        raise ValueError("; ".join(str(e) for e in compiler.errors))
    return load(code)["expression"](document, {}, {})
