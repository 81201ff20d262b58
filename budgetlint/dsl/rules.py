"""Compile parsed rules into generated functions: for / let / when steps, the assertion, message
and location; and run them, mapping a type error back to the rule file's line and column."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from budgetlint.dsl.functions import BUILTINS
from budgetlint.dsl.scope import RuntimeRuleError, Scope
from budgetlint.dsl.values import RuleTypeError, kind
from budgetlint.findings import escape_pointer_token

if TYPE_CHECKING:
    from budgetlint.dsl import ast
# Otherwise imported where a rule is compiled or an error placed: a run whose rules come from the
# code cache never needs the AST module (its 29 named tuples cost ~14 M instructions to create).

_get = BUILTINS["get"].impl  # `get(obj, key)`, as a rule computes it


class RuleInfo(NamedTuple):  # a named tuple: ~0.07 ms to create at import, a frozen dataclass ~0.8 ms
    id: str
    title: str
    title_en: str
    severity: str
    basis: str
    doc: str
    tags: tuple[str, ...]
    profiles: tuple[str, ...]
    file: str
    line: int


class Hit(NamedTuple):
    """One failed assertion: where in the document, and the rendered message (message_en: in
    English, "" when the rule gives none)."""

    pointer: str
    message: str
    message_en: str = ""


class Pointers:
    """What the rules share for one document: the JSON Pointers of its containers by object
    identity (for locating findings) and the memo of zero-argument definitions
    (`functional_tables()` is computed once, not once per rule)."""

    def __init__(self, root):
        self.root = root
        self._parents: dict[int, tuple] | None = None  # id(container) → (its parent, its key)
        self.memo: dict = {}  # per document: the values of zero-argument definitions

    def of(self, value) -> str | None:
        """The pointer of a list or object of the document; None for any other value."""
        if value is self.root:
            return ""
        if not isinstance(value, dict | list):
            return None
        if self._parents is None:
            self._parents = _parent_links(self.root)
        tokens = []
        while value is not self.root:
            link = self._parents.get(id(value))
            if link is None:
                return None  # built by a rule (a list literal, a filter's result): not in the document
            value, key = link
            tokens.append(escape_pointer_token(key) if type(key) is str else str(key))
        return "/" + "/".join(reversed(tokens))


def _parent_links(root) -> dict[int, tuple]:
    # Only containers are recorded, and no pointer text is built: a finding needs a handful of
    # pointers, the walk visits every container of the document once.
    parents: dict[int, tuple] = {}
    stack = [root]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        for key, child in node.items() if type(node) is dict else enumerate(node):
            if type(child) is dict or type(child) is list:
                parents[id(child)] = (node, key)
                push(child)
    return parents


class CompiledRule:
    """A rule's generated function, run(doc, settings, memo, pointers) → its hits, and its source
    map: (line offset from the function's `def`, span) from which on the code evaluates that span
    of the rule file (a step, the assertion, the location, the message)."""

    __slots__ = ("_lines", "_spans", "info", "run")

    def __init__(self, info: RuleInfo, run, spans: tuple):
        self.info = info
        self.run = run
        self._lines = [line for line, _ in spans]
        self._spans = [span for _, span in spans]

    def evaluate(self, document: dict, pointers: Pointers, settings: dict | None = None) -> Iterator[Hit]:
        """Hits for one document; raises RuntimeRuleError on a type error in the rule."""
        try:
            return iter(self.run(document, settings or {}, pointers.memo, pointers))
        except RuleTypeError as err:
            raise self.rule_error(err) from None

    def rule_error(self, err: RuleTypeError) -> RuntimeRuleError:
        """A type error raised by run, at the span of the rule file whose code raised it. (The
        engine calls run itself, without evaluate()'s call per rule, and this on an error.)"""
        return RuntimeRuleError(self.span_of(err), str(err))

    def span_of(self, err: BaseException) -> ast.Span:
        """Where in the rule file the code that raised err stands (by the source map)."""
        from budgetlint.dsl import ast

        code, tb, line = self.run.__code__, err.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code is code:
                line = tb.tb_lineno - code.co_firstlineno
            tb = tb.tb_next
        at = bisect_right(self._lines, line) - 1 if line is not None else -1
        if at < 0:
            return ast.Span(self.info.file, self.info.line, 1)
        return ast.Span(*self._spans[at])


def compile_rule(rule: ast.Rule, compiler, fname: str):
    """Generate rule's function `fname` into compiler.module: (RuleInfo, fname, source map), or
    None when the rule has static errors (they are in compiler.errors)."""
    from budgetlint.dsl import ast
    from budgetlint.dsl.codegen import Function

    errors_before = len(compiler.errors)
    fn = Function(
        fname, f"def {fname}(doc, settings, memo, pointers):", f"# rule {rule.id!r} ({rule.span})"[:200]
    )
    # what one pass through the steps after each `for` costs, at most (see expanded_size)
    from budgetlint.dsl.compiler import expanded_size

    rest: list = []
    weights = []
    for step in reversed(rule.steps):
        weights.append(expanded_size(tuple(rest), compiler.def_costs))
        rest.append(step)
    weights.reverse()
    from budgetlint.dsl.deferred import deferred_lets

    plan = deferred_lets(rule.steps)  # assertion → the lets only its finding needs
    deferred = {i for lets in plan.values() for i in lets}
    with compiler.function(fn):
        compiler.emit("found = []")
        depth = fn.depth
        scope = Scope()
        where = "None"  # the innermost `for`: (list, index, element), for a finding without `at`
        for n, (step, weight) in enumerate(zip(rule.steps, weights, strict=True)):
            kind = type(step)
            if n in deferred:
                continue
            if kind is ast.For:
                fn.at(step.source.span)
                source = compiler.expr(step.source, scope)
                seq = compiler.simple(source.code)
                element, index = fn.fresh(name=step.name or "e"), fn.fresh("i")
                fn.open(f"if {seq} is not None:")
                with fn.block(f"if type({seq}) is not list and not isinstance({seq}, SEQUENCES):"):
                    compiler.emit(f"raise RuleTypeError(\"'for' needs a list, got \" + kind({seq}))")
                compiler.spend(seq, weight)
                compiler.enter_loop()
                fn.open(f"for {index}, {element} in enumerate({seq}):")
                element_type = compiler.element_of(source.stype)
                if step.unpack:
                    scope = _unpack(step, element, element_type, compiler, scope, compiler.loop_level)
                else:
                    scope = scope.bind(step.name, element_type, element)
                    compiler.levels[element] = compiler.loop_level
                if step.index:
                    var = fn.fresh(name=step.index)
                    compiler.emit(f"{var} = whole({index})")
                    scope = scope.bind(step.index, None, var)
                    compiler.levels[var] = compiler.loop_level
                where = f"({seq}, {index}, {element})"
            elif kind is ast.Let:
                scope = _let(step, compiler, scope)
            elif kind is ast.When:
                fn.at(step.test.span)
                test = compiler.simple(compiler.test(step.test, scope, "when"))
                fn.open(f"if {test} is True:")
            else:
                _check(step, compiler, scope, where, [rule.steps[i] for i in plan.get(n, ())])
        fn.close(depth)
        compiler.emit("return found")
    checks = rule.checks
    if len(compiler.errors) > errors_before or not checks or any(c.message is None for c in checks):
        return None
    compiler.module.add(fn)
    info = RuleInfo(
        rule.id,
        rule.title or "",
        rule.title_en or "",
        rule.severity or "error",
        rule.basis or "",
        rule.doc or "",
        rule.tags,
        rule.profiles,
        rule.span.file,
        rule.span.line,
    )
    return info, fname, tuple(fn.spans)


def _let(step: ast.Let, compiler, scope: Scope) -> Scope:
    """`let name = value` (or `let {a, b} = value`): the value in a local, the name(s) bound."""
    compiler.fn.at(step.value.span)
    # the loop level its value depends on (compiler.hoist): no deeper than the loops around it
    level = min(compiler.level(step.value, scope)[0], compiler.loop_level)
    value = compiler.expr(step.value, scope)
    var = compiler.fn.fresh(name=step.name or "r")
    compiler.emit(f"{var} = {value.code}")
    if value.logical and not step.unpack:
        compiler.fn.logical.add(var)
    if step.unpack:
        return _unpack(step, var, value.stype, compiler, scope, level)
    compiler.levels[var] = level
    return scope.bind(step.name, value.stype, var)


def _unpack(step, var: str, stype, compiler, scope: Scope, level: int) -> Scope:
    """`for {a, b} in xs` / `let {a, b} = x`: each name bound to that field of the value."""
    # Each name stands for its field read where it is used, not copied into a local first: a rule
    # unpacks six fields and reads two of them per element, the others only in a failing message.
    for name in step.unpack:
        field_type = compiler._field_type(stype, name, "the value unpacked", step.span)
        code = compiler.field(var, name)
        compiler.levels[code] = level
        scope = scope.bind(name, field_type, code)
    return scope


def _check(check: ast.Check, compiler, scope: Scope, where: str, lets: list) -> None:
    """An assertion, in place: a hit with its own location and messages when its test is false;
    lets: the deferred lets its finding reads (budgetlint/dsl/deferred.py), computed only then."""
    fn = compiler.fn
    depth = fn.depth
    if check.guard is not None:  # `assert X if Y`: like a `when Y` for this assert alone
        fn.at(check.guard.span)
        guard = compiler.simple(compiler.test(check.guard, scope, "'if'"))
        fn.open(f"if {guard} is True:")
    fn.at(check.test.span)
    test = compiler.simple(compiler.test(check.test, scope, "assert"))
    with fn.block(f"if {test} is False:"):
        for let in lets:
            scope = _let(let, compiler, scope)
        if check.at is not None:
            fn.at(check.at.span)
            compiler.emit(f"pointer = {_locate(check.at, compiler, scope)}")
            with fn.block("if pointer is None:"):
                compiler.emit(f"pointer = pointer_of_element({where}, pointers)")
        else:
            compiler.emit(f"pointer = pointer_of_element({where}, pointers)")
        messages = [_render(template, compiler, scope) for template in (check.message, check.message_en)]
        compiler.emit(f"found.append(Hit(pointer, {', '.join(messages)}))")
    fn.close(depth)


def _render(template: ast.Template | None, compiler, scope: Scope) -> str:
    """The code of a message: its text, with each `{expr:spec}` formatted (after the code
    computing the values is emitted, at the template's span)."""
    if template is None:
        return "''"
    compiler.fn.at(template.span)
    pieces = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(repr(part))
        else:
            node, spec = part
            value = compiler.simple(compiler.expr(node, scope).code)
            pieces.append(f"format_value({value}, {spec!r})")
    return " + ".join(pieces) or "''"


def pointer_of_element(where, pointers: Pointers) -> str:
    if where is None:
        return ""
    seq, index, element = where
    own = pointers.of(element)
    if own is not None:
        return own
    parent = pointers.of(seq)
    return f"{parent}/{index}" if parent is not None else ""


def locate_value(pointers: Pointers, value) -> str | None:
    """`at EXPR` where EXPR gives a value: the pointer of a list or object of the document (None
    for null: the finding then points at the `for`'s element). A number, text or truth value has
    no place of its own — `at` needs the container or a member written as `x.name` /
    `get(x, key)` — and neither has a record or list the rule built (a record literal, a filter's
    or a projection's result), so either is the author's mistake, not a finding somewhere else."""
    if value is None:
        return None
    if type(value) is dict or type(value) is list:
        pointer = pointers.of(value)
        if pointer is not None:
            return pointer
        built = (
            f"{'an object' if type(value) is dict else 'a list'} the rule built, not one of the document's"
        )
    else:
        built = kind(value)
    raise RuleTypeError(
        f"'at' needs a list or object of the document, or a member written x.name or get(x, key); "
        f"this gives {built}"
    )


def locate_get(pointers: Pointers, obj, key) -> str | None:
    """`at get(obj, key)`: the pointer of obj's member key; when obj is a record or list the rule
    built, that of the member's value (as for `at record.field`: locate_value)."""
    parent = pointers.of(obj)
    if parent is None:
        return None if obj is None else locate_value(pointers, _get(obj, key))
    if isinstance(key, str):
        return f"{parent}/{escape_pointer_token(key)}"
    return f"{parent}/{int(key)}" if isinstance(key, Decimal) else None


def _locate(node: ast.Node, compiler, scope: Scope) -> str:
    """`at EXPR`: the code of the pointer of a container value, or of the member EXPR names inside one."""
    from budgetlint.dsl import ast

    fn = compiler.fn
    if isinstance(node, ast.Attr):
        parent = compiler.simple(f"pointers.of({compiler.expr(node.base, scope).code})")
        var = fn.fresh("at")
        with fn.block(f"if {parent} is not None:"):
            compiler.emit(f"{var} = {parent} + {'/' + escape_pointer_token(node.name)!r}")
        with fn.block("else:"):
            compiler.emit(f"{var} = locate_value(pointers, {compiler.expr(node, scope).code})")
        return var
    if isinstance(node, ast.Call) and node.func == "get" and len(node.args) == 2:
        obj = compiler.simple(compiler.expr(node.args[0], scope).code)
        key = compiler.simple(compiler.expr(node.args[1], scope).code)
        return f"locate_get(pointers, {obj}, {key})"
    if isinstance(node, ast.Index) and isinstance(node.selector, ast.Literal):
        parent = compiler.simple(f"pointers.of({compiler.expr(node.base, scope).code})")
        var = fn.fresh("at")
        with fn.block(f"if {parent} is not None:"):
            compiler.emit(f"{var} = {parent} + {'/' + str(node.selector.value)!r}")
        with fn.block("else:"):
            compiler.emit(f"{var} = locate_value(pointers, {compiler.expr(node, scope).code})")
        return var
    if isinstance(node, ast.Name) and node.name not in scope.names and not scope.in_filter:
        return repr("/" + escape_pointer_token(node.name))  # a field of the document, there or not
    return f"locate_value(pointers, {compiler.expr(node, scope).code})"
