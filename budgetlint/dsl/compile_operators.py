"""How the compiler generates operators: sets, arithmetic, comparisons, logic, `if`.

A mixin of ExprCompiler (budgetlint/dsl/compiler.py), which dispatches each node class to the
method named after it and provides expr(), emit(), simple() and the function being generated
(self.fn); kept apart so that neither module grows past a screenful of concerns.

Numbers and text, the common case, are computed inline, guarded by their exact types; any other
value goes to the helpers of budgetlint.dsl.values, which give the same result, a null or the
type error.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.dsl import ast
from budgetlint.dsl.scope import Compiled, Scope


class OperatorCompiler:
    """The operator methods of ExprCompiler (`_binop` for ast.BinOp …)."""

    def _setlit(self, node: ast.SetLit, scope: Scope) -> Compiled:
        if all(isinstance(i, ast.Literal) for i in node.items):
            # built once; by the rule of every set (set_of): null is not a member, `{1, null}` is `{1}`
            return Compiled(self.module.constant_set([i.value for i in node.items]))
        items = [self.simple(self.expr(i, scope).code) for i in node.items]
        return Compiled(f"set_of([{', '.join(items)}], 'a set')")

    def _neg(self, node: ast.Neg, scope: Scope) -> Compiled:
        x = self.simple(self.expr(node.operand, scope).code)
        return Compiled(f"(ZERO - {x} if type({x}) is Decimal else arith('-', ZERO, {x}))")

    def _not(self, node: ast.Not, scope: Scope) -> Compiled:
        v = self.simple(self.test(node.operand, scope, "'not'"))
        return Compiled(f"(None if {v} is None else not {v})", logical=True)

    def _binop(self, node: ast.BinOp, scope: Scope) -> Compiled:
        op = node.op
        a = self.simple(self.expr(node.left, scope).code)
        b = self.simple(self.expr(node.right, scope).code)
        if op in ("|", "&"):
            return Compiled(f"set_op({op!r}, {a}, {b})")
        if op == "+" and (_textual(node.left) or _textual(node.right)):
            # text joined to text (`row.code + " " + row.name`): inline, as arith() joins it when
            # both are text and it charges the budget nothing (1,000 characters at most)
            sides = ((a, node.left), (b, node.right))
            kinds = [f"type({x}) is str" for x, n in sides if not _text_literal(n)]
            size = " + ".join(f"len({x})" for x in (a, b))
            fast = " and ".join([*kinds, f"{size} <= 1000"])
            return Compiled(f"({a} + {b} if {fast} else arith('+', {a}, {b}))")
        if op in ("+", "-", "*"):  # numbers are the common case: no call into arith() for them
            fast = self._numbers(a, b)
            if fast is None:
                code = f"({a} {op} {b})"
            else:
                code = f"({a} {op} {b} if {fast} else arith({op!r}, {a}, {b}))"
        elif op == "/":  # a number by a number not zero (arith() gives null for a zero divisor)
            fast = " and ".join(filter(None, [self._numbers(a, b), b]))
            code = f"({a} / {b} if {fast} else arith('/', {a}, {b}))"
        else:
            code = f"arith({op!r}, {a}, {b})"
        return Compiled(code)

    def _compare(self, node: ast.Compare, scope: Scope) -> Compiled:
        op = node.op
        a = self.simple(self.expr(node.left, scope).code)
        if node.tolerance is not None:
            b = self.simple(self.expr(node.right, scope).code)
            t = self.simple(self.expr(node.tolerance, scope).code)
            if op == "==":
                fast = self._numbers(a, b, t)
                if fast is None:
                    return Compiled(f"(abs({a} - {b}) <= {t})", logical=True)
                return Compiled(
                    f"(abs({a} - {b}) <= {t} if {fast} else compare('==', {a}, {b}, {t}))", logical=True
                )
            return Compiled(f"compare({op!r}, {a}, {b}, {t})", logical=True)
        if isinstance(node.right, ast.Literal) and type(node.right.value) in (Decimal, str):
            # `x == "项"`, `count(kids) > 0`: the literal is a constant, compared inline with its kind
            c = self.module.const(node.right.value)
            kind_of = "str" if type(node.right.value) is str else "Decimal"
            if op in ("==", "!="):
                same = f"{a} {op} {c} if type({a}) is {kind_of}"
                return Compiled(
                    f"(None if {a} is None else {same} else compare({op!r}, {a}, {c}))", logical=True
                )
            return Compiled(
                f"({a} {op} {c} if type({a}) is {kind_of} else compare({op!r}, {a}, {c}))", logical=True
            )
        b = self.simple(self.expr(node.right, scope).code)
        if op in ("==", "!="):
            same = f"type({a}) is type({b}) and (type({a}) is Decimal or type({a}) is str)"
            absent = f"{a} is None or {b} is None"
            return Compiled(
                f"(None if {absent} else {a} {op} {b} if {same} else compare({op!r}, {a}, {b}))", logical=True
            )
        return Compiled(f"compare({op!r}, {a}, {b})", logical=True)

    def _in(self, node: ast.In, scope: Scope) -> Compiled:
        # the container is evaluated first, then the element
        container = self.simple(self.expr(node.right, scope).code)
        item = self.simple(self.expr(node.left, scope).code)
        # text in a list or set, the common case (`level in {"类", "款"}`), by Python's own `in`, as
        # contains() decides it first; a set written out in the rule is known to be a set
        sequence = "" if container in self.module.sets else f" and type({container}) in SEQUENCES"
        fast = f"{item} in {container} if type({item}) is str{sequence}"
        v = self.simple(f"({fast} else contains({container}, {item}))")
        if node.negate:
            return Compiled(f"(None if {v} is None else not {v})", logical=True)
        return Compiled(v, logical=True)

    def _and(self, node: ast.And, scope: Scope) -> Compiled:
        return self._junction(node, scope, "'and'", decisive=False)

    def _or(self, node: ast.Or, scope: Scope) -> Compiled:
        return self._junction(node, scope, "'or'", decisive=True)

    def _junction(self, node, scope: Scope, word: str, decisive: bool) -> Compiled:
        """`and` (one False decides) and `or` (one True decides); otherwise a null makes null."""
        a = self.simple(self.test(node.left, scope, word))
        out = self.fn.fresh()
        with self.fn.block(f"if {a} is {decisive}:"):
            self.emit(f"{out} = {decisive}")
        with self.fn.block("else:"):
            b = self.simple(self.test(node.right, scope, word))
            rest = f"None if {a} is None or {b} is None else {not decisive}"
            self.emit(f"{out} = {decisive} if {b} is {decisive} else {rest}")
        return Compiled(out, logical=True)

    def _cond(self, node: ast.Cond, scope: Scope) -> Compiled:
        t = self.simple(self.test(node.test, scope, "'if'"))
        out = self.fn.fresh()
        with self.fn.block(f"if {t} is None:"):
            self.emit(f"{out} = None")
        with self.fn.block(f"elif {t}:"):
            then = self.expr(node.then, scope)
            self.emit(f"{out} = {then.code}")
        with self.fn.block("else:"):
            other = self.expr(node.otherwise, scope)
            self.emit(f"{out} = {other.code}")
        return Compiled(out, then.stype or other.stype, then.logical and other.logical)

    def _numbers(self, *codes: str) -> str | None:
        """The test that the values are numbers, for those not known to be (None: all are)."""
        unknown = [c for c in codes if c not in self.module.numbers]
        return " and ".join(f"type({c}) is Decimal" for c in unknown) or None

    def test(self, node: ast.Node, scope: Scope, what: str) -> str:
        """An expression used as a condition: gives True, False or None, else a RuleTypeError."""
        compiled = self.expr(node, scope)
        return compiled.code if compiled.logical else f"truth({compiled.code}, {what!r})"


def _text_literal(node: ast.Node) -> bool:
    return type(node) is ast.Literal and type(node.value) is str


def _textual(node: ast.Node) -> bool:
    """A text literal, or a `+` with one (`a + "（" + b + "）"`): what `+` joins is then text."""
    if type(node) is ast.Literal:
        return type(node.value) is str
    return type(node) is ast.BinOp and node.op == "+" and (_textual(node.left) or _textual(node.right))
