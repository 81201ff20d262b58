"""Compile parsed rules into evaluators: for / let / when steps, the assertion, message and location."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

from budgetlint.dsl import ast
from budgetlint.dsl.compiler import ExprCompiler, expanded_size
from budgetlint.dsl.scope import BUDGET, UNSET, RuleBudgetExceeded, RuntimeRuleError, Scope, restore_binding
from budgetlint.dsl.values import RuleTypeError, format_value, kind
from budgetlint.findings import escape_pointer_token


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


Locate = Callable[[dict, Pointers], str | None]


class CompiledRule:
    def __init__(self, info: RuleInfo, run: Callable[[dict, Pointers, dict], Iterator[Hit]]):
        self.info = info
        self._run = run

    def evaluate(self, document: dict, pointers: Pointers, settings: dict | None = None) -> Iterator[Hit]:
        """Hits for one document; raises RuntimeRuleError on a type error in the rule."""
        return self._run(document, pointers, settings or {})


def compile_rule(rule: ast.Rule, compiler: ExprCompiler) -> CompiledRule | None:
    errors_before = len(compiler.errors)
    scope = Scope()
    steps: list[tuple] = []  # (what, name(s), closure, span)
    for step in rule.steps:
        if isinstance(step, ast.For):
            source = compiler.expr(step.source, scope)
            steps.append(("for", (step.name, step.index), source.fn, step.source.span))
            scope = scope.bind(step.name, compiler.element_of(source.stype))
            if step.index:
                scope = scope.bind(step.index, None)
        elif isinstance(step, ast.Let):
            value = compiler.expr(step.value, scope)
            steps.append(("let", step.name, value.fn, step.value.span))
            scope = scope.bind(step.name, value.stype)
        else:
            steps.append(("when", "", compiler.test(step.test, scope, "when"), step.test.span))
    check = compiler.test(rule.check, scope, "assert") if rule.check else None
    locate = _compile_locate(rule.at, compiler, scope) if rule.at else None
    message = _compile_template(rule.message, compiler, scope) if rule.message else None
    # checked exactly as `message` is: the same scope, the same static errors
    message_en = _compile_template(rule.message_en, compiler, scope) if rule.message_en else None
    if len(compiler.errors) > errors_before or check is None or message is None:
        return None
    # what one pass through the steps after each `for` costs, at most (see expanded_size)
    rest = [rule.check, rule.at, rule.message, rule.message_en]
    for i in reversed(range(len(steps))):
        what, names, fn, span = steps[i]
        if what == "for":
            steps[i] = (what, (*names, expanded_size(tuple(rest), compiler.def_costs)), fn, span)
        rest.append(rule.steps[i])
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
    english = (message_en, rule.message_en.span) if message_en else None
    final = _assertion(
        check, rule.check.span, locate, rule.at.span if rule.at else None, message, rule.message.span, english
    )
    first = _chain(steps, final)

    def run(document: dict, pointers: Pointers, settings: dict) -> Iterator[Hit]:
        found: list[Hit] = []
        first(
            {"$": document, "$settings": settings, "$memo": pointers.memo, "$hits": (found, pointers)}, None
        )
        return iter(found)

    return CompiledRule(info, run)


# A rule runs as a chain of step functions step(env, where), each calling the next: `for` calls
# it once per element, `let` binds and calls it, `when` calls it only when its test holds, and
# the last checks the assertion. `where` is (list, index, element) of the innermost `for`, to
# locate a finding that has no `at`. Names are bound in the one environment of the run; a name
# bound again by a later step (shadowing) is restored on the way back, others need no undoing
# because every later read of a name follows its binding step.
Step = Callable[[dict, object], None]


def _chain(steps: list[tuple], final: Step) -> Step:
    step = final
    bound_before: list[set[str]] = []  # the names bound by the steps before each step
    names: set[str] = set()
    for what, name, _, _ in steps:
        bound_before.append(set(names))
        names.update(n for n in (name[:2] if what == "for" else (name,)) if n)
    for i in reversed(range(len(steps))):
        what, name, fn, span = steps[i]
        make = {"for": _for_step, "let": _let_step, "when": _when_step}[what]
        step = make(name, fn, span, step, bound_before[i])
    return step


def _for_step(names, source, span, nxt: Step, bound: set) -> Step:
    name, index_name, weight = names

    def loop(env, where):
        try:
            seq = source(env)
            if seq is None:
                return
            if not isinstance(seq, list | tuple | frozenset):
                raise RuleTypeError(f"'for' needs a list, got {kind(seq)}")
        except RuleTypeError as err:
            raise RuntimeRuleError(span, str(err)) from None
        left = BUDGET[0] - len(seq) * weight
        BUDGET[0] = left
        if left < 0:
            raise RuleBudgetExceeded()
        for index, element in enumerate(seq):
            env[name] = element
            if index_name:
                env[index_name] = Decimal(index)
            nxt(env, (seq, index, element))

    return _restoring((name, index_name), loop) if bound & {name, index_name} else loop


def _let_step(name, value, span, nxt: Step, bound: set) -> Step:
    def let(env, where):
        try:
            env[name] = value(env)
        except RuleTypeError as err:
            raise RuntimeRuleError(span, str(err)) from None
        nxt(env, where)

    return _restoring((name,), let) if name in bound else let


def _when_step(_, test, span, nxt: Step, bound: set) -> Step:
    def when(env, where):
        try:
            holds = test(env)
        except RuleTypeError as err:
            raise RuntimeRuleError(span, str(err)) from None
        if holds is True:
            nxt(env, where)

    return when


def _restoring(names: tuple, step: Step) -> Step:
    """step, with the earlier bindings of names put back after it (a name bound twice in a rule)."""
    names = tuple(n for n in names if n)

    def restoring(env, where):
        saved = [(n, env.get(n, UNSET)) for n in names]
        try:
            step(env, where)
        finally:
            for n, value in saved:
                restore_binding(env, n, value)

    return restoring


def _assertion(check, check_span, locate, at_span, message, message_span, english=None) -> Step:
    message_en, message_en_span = english or (None, None)

    def final(env, where):
        try:
            if check(env) is not False:
                return
        except RuleTypeError as err:
            raise RuntimeRuleError(check_span, str(err)) from None
        found, pointers = env["$hits"]
        try:
            pointer = locate(env, pointers) if locate else None
        except RuleTypeError as err:
            raise RuntimeRuleError(at_span, str(err)) from None
        if pointer is None:
            pointer = _pointer_of_element(where, pointers)
        try:
            text = message(env)
        except RuleTypeError as err:
            raise RuntimeRuleError(message_span, str(err)) from None
        text_en = ""
        if message_en is not None:
            try:
                text_en = message_en(env)
            except RuleTypeError as err:
                raise RuntimeRuleError(message_en_span, str(err)) from None
        found.append(Hit(pointer, text, text_en))

    return final


def _pointer_of_element(where, pointers: Pointers) -> str:
    if where is None:
        return ""
    seq, index, element = where
    own = pointers.of(element)
    if own is not None:
        return own
    parent = pointers.of(seq)
    return f"{parent}/{index}" if parent is not None else ""


def _compile_locate(node: ast.Node, compiler: ExprCompiler, scope: Scope) -> Locate:
    """`at EXPR`: the pointer of a container value, or of the member EXPR names inside one."""
    value = compiler.expr(node, scope).fn
    if isinstance(node, ast.Attr):
        base = compiler.expr(node.base, scope).fn
        token = escape_pointer_token(node.name)

        def member(env, pointers):
            parent = pointers.of(base(env))
            if parent is not None:
                return f"{parent}/{token}"
            return pointers.of(value(env))

        return member
    if isinstance(node, ast.Call) and node.func == "get" and len(node.args) == 2:
        obj, key = (compiler.expr(a, scope).fn for a in node.args)

        def field(env, pointers):
            parent, name = pointers.of(obj(env)), key(env)
            if parent is None:
                return None
            if isinstance(name, str):
                return f"{parent}/{escape_pointer_token(name)}"
            return f"{parent}/{int(name)}" if isinstance(name, Decimal) else None

        return field
    if isinstance(node, ast.Index) and isinstance(node.selector, ast.Literal):
        base = compiler.expr(node.base, scope).fn
        index = node.selector.value

        def element(env, pointers):
            parent = pointers.of(base(env))
            return f"{parent}/{index}" if parent is not None else pointers.of(value(env))

        return element
    if isinstance(node, ast.Name) and node.name not in scope.names and not scope.in_filter:
        root_member = "/" + escape_pointer_token(node.name)  # a field of the document, there or not
        return lambda env, pointers: root_member
    return lambda env, pointers: pointers.of(value(env))


def _compile_template(template: ast.Template, compiler: ExprCompiler, scope: Scope):
    pieces: list = []
    for part in template.parts:
        if isinstance(part, str):
            pieces.append(part)
        else:
            node, spec = part
            pieces.append((compiler.expr(node, scope).fn, spec))

    def render(env: dict) -> str:
        out = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
            else:
                fn, spec = piece
                out.append(format_value(fn(env), spec))
        return "".join(out)

    return render
