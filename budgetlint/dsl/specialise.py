"""Closures specialised for the shapes rules use most: each reads a field, a bound name or a
literal inline where the general closure would call another closure for it (~0.1 µs a call,
tens of thousands of calls per document). They give exactly what the general closures give."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.dsl import ast
from budgetlint.dsl.scope import Fn, Scope
from budgetlint.dsl.values import compare, get_field, truth


def checked(fn: Fn, what: str) -> Fn:
    """fn, with its value checked to be a truth value (for expressions not known to give one)."""
    return lambda env: truth(fn(env), what)


DECIMAL_OPS = {"+": Decimal.__add__, "-": Decimal.__sub__, "*": Decimal.__mul__}


def compare_to_constant(op: str, constant, left: Fn | None = None, field: tuple | None = None) -> Fn:
    """`x == "项"`, `count(kids) > 0`: the literal side is not evaluated per test. For `==` / `!=`
    the other side may be a field read inline, field = (slot, name): `row.direction != "持平"`."""
    kind_of = type(constant)
    if op in ("==", "!="):
        negate = op == "!="
        slot, name = field or ("", "")

        def equals_constant(env):
            if left is not None:
                a = left(env)
            else:
                a = env[slot]
                a = a.get(name) if type(a) is dict else get_field(a, name)
            if a is None:
                return None
            if type(a) is kind_of:
                return (a == constant) is not negate
            return compare(op, a, constant)

        return equals_constant
    fast = {"<": kind_of.__lt__, "<=": kind_of.__le__, ">": kind_of.__gt__, ">=": kind_of.__ge__}[op]

    def order_to_constant(env):
        a = left(env)
        if type(a) is kind_of:
            return fast(a, constant)
        return compare(op, a, constant)

    return order_to_constant


def call_builtin(impl, arg_nodes: tuple, fns: list[Fn], scope: Scope) -> Fn:
    """impl(args…), specialised for the shapes rules use most: one or two arguments, each a bound
    name (`present(x)`), a field of one (`level(row.code)`, `level(code)` in a filter) or a
    literal (`coalesce(x, 0)`). Each specialisation reads its argument inline: a call less."""
    n = len(fns)
    if n == 1:
        only = inline_read(arg_nodes[0], scope)
        if only[0] == "local":
            name = only[1]
            return lambda env: impl(env[name])
        if only[0] == "field":
            _, slot, field = only

            def call_on_field(env):
                value = env[slot]
                return impl(value.get(field) if type(value) is dict else get_field(value, field))

            return call_on_field
        fn = fns[0]
        return lambda env: impl(fn(env))
    if n == 2:  # the common arities without building an argument list
        first, second = inline_read(arg_nodes[0], scope), inline_read(arg_nodes[1], scope)
        if second[0] == "const":
            constant = second[1]
            if first[0] == "local":
                name = first[1]
                return lambda env: impl(env[name], constant)
            if first[0] == "field":
                _, slot, field = first

                def call_on_field_and_constant(env):
                    value = env[slot]
                    value = value.get(field) if type(value) is dict else get_field(value, field)
                    return impl(value, constant)

                return call_on_field_and_constant
            fn = fns[0]
            return lambda env: impl(fn(env), constant)
        if first[0] == "local" and second[0] == "field":  # `get(row, col.key)`, `pluck(kids, col.key)`
            name, (_, slot, field) = first[1], second

            def call_on_name_and_field(env):
                value = env[slot]
                return impl(env[name], value.get(field) if type(value) is dict else get_field(value, field))

            return call_on_name_and_field
        if first[0] == "local" and second[0] == "local":
            a, b = first[1], second[1]
            return lambda env: impl(env[a], env[b])
        fn1, fn2 = fns
        return lambda env: impl(fn1(env), fn2(env))
    return lambda env: impl(*[f(env) for f in fns])


def inline_read(node: ast.Node, scope: Scope) -> tuple:
    """How an argument can be read inline: ("local", name), ("field", slot, name), ("const", value),
    or ("call",) for anything else (its closure is called)."""
    if isinstance(node, ast.Literal):
        return ("const", node.value)
    if isinstance(node, ast.Name):
        if node.name in scope.names:
            return ("local", node.name)
        return ("field", "@" if scope.in_filter else "$", node.name)
    if isinstance(node, ast.Attr):
        chain = field_chain(node, scope)
        if chain is not None and len(chain[1] + chain[2]) == 1:
            return ("field", chain[0], (chain[1] + chain[2])[0])
    return ("call",)


def field_chain(node: ast.Attr, scope: Scope):
    """(slot, names) when node is `name.f.g…` read from one binding or from the document."""
    names: list[str] = []
    while isinstance(node, ast.Attr):
        names.append(node.name)
        node = node.base
    if not isinstance(node, ast.Name):
        return None
    if node.name in scope.names:
        return node.name, (), tuple(reversed(names))
    if scope.in_filter:
        return "@", (node.name,), tuple(reversed(names))
    return "$", (node.name,), tuple(reversed(names))


def read_path(slot: str, first: tuple, rest: tuple) -> Fn:
    names = first + rest
    if len(names) == 1:
        (name,) = names

        def read_one(env):
            value = env[slot]
            return value.get(name) if type(value) is dict else get_field(value, name)

        return read_one
    if len(names) == 2:
        a, b = names

        def read_two(env):
            value = env[slot]
            value = value.get(a) if type(value) is dict else get_field(value, a)
            return value.get(b) if type(value) is dict else get_field(value, b)

        return read_two

    def read_path(env):
        value = env[slot]
        for name in names:
            value = value.get(name) if type(value) is dict else get_field(value, name)
        return value

    return read_path
