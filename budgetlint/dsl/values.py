"""Runtime semantics of rule values: Decimal arithmetic, absent data (None) and type errors."""

from __future__ import annotations

import json
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from budgetlint.dsl.scope import spend


class RuleTypeError(Exception):
    """A value of the wrong kind met an operation; reported as a `rule-error` finding."""


def kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Decimal):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, frozenset | set):
        return "set"
    return type(value).__name__


def number(value, what: str) -> Decimal:
    if type(value) is Decimal:
        return value
    raise RuleTypeError(f"{what} needs a number, got {kind(value)} {short(value)}")


def short(value) -> str:
    text = format_value(value)
    return text if len(text) <= 40 else text[:37] + "…"


def get_field(value, name: str):
    """`value.name`: a field of an object; over a list, the projection (lists flattened, nulls dropped)."""
    kind_of = type(value)
    if kind_of is dict:  # the common case first: values are plain JSON data
        return value.get(name)
    if value is None:
        return None
    if kind_of is list or kind_of is tuple:
        out: list = []
        for element in value:
            if type(element) is dict:
                v = element.get(name)
                if isinstance(v, list):
                    out.extend(v)
                elif v is not None:
                    out.append(v)
            elif element is not None:
                raise RuleTypeError(f"cannot take .{name} of a {kind(element)} in a list")
        return out
    raise RuleTypeError(f"cannot take .{name} of a {kind(value)} {short(value)}")


def arith(op: str, a, b):
    if a is None or b is None:
        return None
    if type(a) is Decimal and type(b) is Decimal and op != "/":
        return a + b if op == "+" else a - b if op == "-" else a * b
    if op == "-" and isinstance(a, frozenset):
        if not isinstance(b, frozenset | list):
            raise RuleTypeError(f"set difference needs a set, got {kind(b)}")
        return a - set_of(b, "set difference")
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        size = len(a) + len(b)
        if size > 1000:  # `let s = s + s` twenty times is a megabyte, forty a terabyte
            spend(size)
        return a + b
    if op == "+" and isinstance(a, list | tuple) and isinstance(b, list | tuple):
        size = len(a) + len(b)
        if size > 1000:
            spend(size)
        return [*a, *b]
    x, y = number(a, f"'{op}'"), number(b, f"'{op}'")
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:  # a share of an empty base is undefined: treat as absent data, not a crash
        return None
    return x / y


def set_op(op: str, a, b):
    if a is None or b is None:
        return None
    if not isinstance(a, frozenset | list) or not isinstance(b, frozenset | list):
        raise RuleTypeError(f"'{op}' needs two sets, got {kind(a)} and {kind(b)}")
    a, b = set_of(a, f"'{op}'"), set_of(b, f"'{op}'")
    return a | b if op == "|" else a & b


_SET_ELEMENTS = (str, Decimal, bool)


def set_of(values, what: str) -> frozenset:
    """The set of a list's values (nulls dropped): numbers, text and truth values only, as a set
    of objects or lists has no meaning in a rule (and Python could not hash them)."""
    if type(values) is frozenset:
        return values
    for v in values:
        if v is not None and not isinstance(v, _SET_ELEMENTS):
            raise RuleTypeError(f"{what} holds numbers and text only, got {kind(v)} {short(v)}")
    return frozenset(v for v in values if v is not None)


def equal(a, b) -> bool:
    kind_of = type(a)
    if kind_of is type(b) and (kind_of is Decimal or kind_of is str):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, list | tuple | frozenset) and isinstance(b, list | tuple | frozenset):
        if not isinstance(a, frozenset):
            return list(a) == list(b)
        try:
            return a == frozenset(b)
        except TypeError:  # b holds an object or a list, which no set of ours can hold
            return False
    return a == b


def compare(op: str, a, b, tolerance=None):
    """A comparison; None when either side is absent (the rule is then skipped for this element)."""
    if a is None or b is None:
        return None
    if tolerance is None and (op == "==" or op == "!="):
        same = equal(a, b)
        return same if op == "==" else not same
    if tolerance is not None:
        t = number(tolerance, "a tolerance")
        x, y = number(a, f"'{op} ±'"), number(b, f"'{op} ±'")
        diff = x - y
        return {
            "==": abs(diff) <= t,
            "!=": abs(diff) > t,
            "<": diff < t,
            "<=": diff <= t,
            ">": diff > -t,
            ">=": diff >= -t,
        }[op]
    if not (isinstance(a, str) and isinstance(b, str)):
        a, b = number(a, f"'{op}'"), number(b, f"'{op}'")
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


_SEQUENCES = (list, tuple, frozenset)


def contains(container, item):
    if type(item) is str and type(container) in _SEQUENCES:
        # Text equals only equal text (never a number or a truth value), which is what Python's
        # own `in` then decides, in C: `level in {"类", "款"}` is the common membership test.
        return item in container
    if container is None or item is None:
        return None
    if isinstance(container, str):
        if not isinstance(item, str):
            raise RuleTypeError(f"'in' a string needs a string, got {kind(item)}")
        return item in container
    if isinstance(container, list | tuple | frozenset):
        return any(equal(item, x) for x in container)
    if isinstance(container, dict):  # a field name of an object
        return isinstance(item, str) and item in container
    raise RuleTypeError(f"'in' needs a list, set or string on the right, got {kind(container)}")


def truth(value, what: str):
    """Three-valued logic: True, False or None (unknown because data is absent)."""
    if value is True or value is False or value is None:
        return value
    raise RuleTypeError(f"{what} needs true or false, got {kind(value)} {short(value)}")


def round_half_up(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def truncate(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_DOWN)


_CENT = Decimal("0.01")


def format_number(value: Decimal, places: int | None = None) -> str:
    if places is not None:
        value = round_half_up(value, places)
    elif value.is_finite() and value.as_tuple().exponent < -2 and value == value.quantize(_CENT):
        # a figure of a table printed in 元 reads 35168.400000 in 万元: shown to the 0.01 万元 it is
        value = value.quantize(_CENT)
    try:
        text = f"{value:f}"
    except (InvalidOperation, ValueError):
        return str(value)
    return text


def spelled(value) -> str:
    """A value as the rule language writes it (`budgetlint eval`, the `# =>` of the docs): null,
    true, 12.50, "text", [lists], {sets}. An object, which has no literal, is shown like JSON."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, frozenset | set):
        return "{" + ", ".join(sorted(spelled(v) for v in value)) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(spelled(v) for v in value) + "]"
    if isinstance(value, dict):
        members = (f"{json.dumps(str(k), ensure_ascii=False)}: {spelled(v)}" for k, v in value.items())
        return "{" + ", ".join(members) + "}"
    return str(value)


def format_value(value, spec: str = "") -> str:
    if value is None:
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if spec.startswith("."):
            return format_number(value, int(spec[1:]))
        if spec == "d":
            return format_number(value, 0)
        if spec == "%":
            return format_number(value * 100, 2) + "%"
        return format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, frozenset):
        return "、".join(sorted(format_value(v, spec) for v in value))
    if isinstance(value, list | tuple):
        return "、".join(format_value(v, spec) for v in value)
    if isinstance(value, dict):
        for key in ("name", "label", "project", "title", "term", "code"):
            if isinstance(value.get(key), str):
                return value[key]
        return "{…}"
    return str(value)
