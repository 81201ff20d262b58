"""How the compiler turns operators into closures: sets, arithmetic, comparisons, logic, `if`.

A mixin of ExprCompiler (budgetlint/dsl/compiler.py), which dispatches each node class to the
method named after it and provides expr(); kept apart so that neither module grows past a
screenful of concerns.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.dsl import ast
from budgetlint.dsl.scope import Compiled, Fn, Scope
from budgetlint.dsl.specialise import DECIMAL_OPS, checked, compare_to_constant, inline_read
from budgetlint.dsl.values import arith, compare, contains, set_of, set_op

_ZERO = Decimal(0)


class OperatorCompiler:
    """The operator methods of ExprCompiler (`_binop` for ast.BinOp …); self.expr is its."""

    def _setlit(self, node: ast.SetLit, scope: Scope) -> Compiled:
        fns = [self.expr(i, scope).fn for i in node.items]
        if all(isinstance(i, ast.Literal) for i in node.items):
            # built once; by the rule of every set (set_of): null is not a member, `{1, null}` is `{1}`
            constant = set_of([i.value for i in node.items], "a set")  # type: ignore[attr-defined]
            return Compiled(lambda env: constant)
        return Compiled(lambda env: set_of([f(env) for f in fns], "a set"))

    def _neg(self, node: ast.Neg, scope: Scope) -> Compiled:
        inner = self.expr(node.operand, scope).fn
        return Compiled(lambda env: arith("-", _ZERO, inner(env)))

    def _not(self, node: ast.Not, scope: Scope) -> Compiled:
        inner = self.test(node.operand, scope, "'not'")

        def negate(env):
            v = inner(env)
            return None if v is None else not v

        return Compiled(negate, logical=True)

    def _binop(self, node: ast.BinOp, scope: Scope) -> Compiled:
        left, right, op = self.expr(node.left, scope).fn, self.expr(node.right, scope).fn, node.op
        if op in ("|", "&"):
            return Compiled(lambda env: set_op(op, left(env), right(env)))
        if op in DECIMAL_OPS:  # numbers are the common case: no call into arith() for them
            fast = DECIMAL_OPS[op]

            def arithmetic(env):
                a, b = left(env), right(env)
                if type(a) is Decimal and type(b) is Decimal:
                    return fast(a, b)
                return arith(op, a, b)

            return Compiled(arithmetic)
        return Compiled(lambda env: arith(op, left(env), right(env)))

    def _compare(self, node: ast.Compare, scope: Scope) -> Compiled:
        left, right, op = self.expr(node.left, scope).fn, self.expr(node.right, scope).fn, node.op
        if node.tolerance is not None:
            tol = self.expr(node.tolerance, scope).fn
            if op == "==":

                def within(env):
                    a, b, t = left(env), right(env), tol(env)
                    if type(a) is Decimal and type(b) is Decimal and type(t) is Decimal:
                        return abs(a - b) <= t
                    return compare(op, a, b, t)

                return Compiled(within, logical=True)
            return Compiled(lambda env: compare(op, left(env), right(env), tol(env)), logical=True)
        if isinstance(node.right, ast.Literal) and isinstance(node.right.value, Decimal | str):
            constant, read = node.right.value, inline_read(node.left, scope)
            if op in ("==", "!=") and read[0] == "field":  # `row.direction != "持平"`
                return Compiled(compare_to_constant(op, constant, field=read[1:]), logical=True)
            return Compiled(compare_to_constant(op, constant, left), logical=True)
        if op in ("==", "!="):
            negate = op == "!="

            def equality(env):
                a, b = left(env), right(env)
                if a is None or b is None:
                    return None
                kind_of = type(a)
                if kind_of is type(b) and (kind_of is Decimal or kind_of is str):
                    return (a == b) is not negate
                return compare(op, a, b)

            return Compiled(equality, logical=True)
        return Compiled(lambda env: compare(op, left(env), right(env)), logical=True)

    def _in(self, node: ast.In, scope: Scope) -> Compiled:
        left, right, negate = (
            self.expr(node.left, scope).fn,
            self.expr(node.right, scope).fn,
            node.negate,
        )

        def member(env):
            v = contains(right(env), left(env))
            return None if v is None else (not v if negate else v)

        return Compiled(member, logical=True)

    def _and(self, node: ast.And, scope: Scope) -> Compiled:
        return self._junction(node, scope, "'and'", decisive=False)

    def _or(self, node: ast.Or, scope: Scope) -> Compiled:
        return self._junction(node, scope, "'or'", decisive=True)

    def _junction(self, node, scope: Scope, word: str, decisive: bool) -> Compiled:
        """`and` (one False decides) and `or` (one True decides); otherwise a null makes null."""
        left, right = self.test(node.left, scope, word), self.test(node.right, scope, word)

        def junction(env):
            a = left(env)
            if a is decisive:
                return decisive
            b = right(env)
            if b is decisive:
                return decisive
            return None if a is None or b is None else not decisive

        return Compiled(junction, logical=True)

    def _cond(self, node: ast.Cond, scope: Scope) -> Compiled:
        test = self.test(node.test, scope, "'if'")
        then = self.expr(node.then, scope)
        other = self.expr(node.otherwise, scope)
        then_fn, other_fn = then.fn, other.fn

        def choose(env):
            t = test(env)
            if t is None:
                return None
            return then_fn(env) if t else other_fn(env)

        return Compiled(choose, then.stype or other.stype, then.logical and other.logical)

    def test(self, node: ast.Node, scope: Scope, what: str) -> Fn:
        """An expression used as a condition: gives True, False or None, else a RuleTypeError."""
        compiled = self.expr(node, scope)
        return compiled.fn if compiled.logical else checked(compiled.fn, what)
