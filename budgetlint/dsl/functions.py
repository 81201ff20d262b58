"""Built-in functions of the rule language: name → arity and a pure implementation.

Numbers, lists, sets and objects live here; classified tables and rows in fn_tables.py, text in
fn_text.py.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.dsl.fn_base import Builtin, as_list, as_places, as_text, whole
from budgetlint.dsl.fn_tables import TABLE_BUILTINS
from budgetlint.dsl.fn_text import TEXT_BUILTINS, compile_pattern
from budgetlint.dsl.values import (
    RuleTypeError,
    format_value,
    kind,
    number,
    round_half_up,
    set_of,
)
from budgetlint.dsl.values import truncate as _truncate

__all__ = ["BUILTINS", "Builtin", "compile_pattern"]

# The fast paths below exist because rules call these builtins per row and per column (thousands
# of calls per document): they handle the usual plain JSON values (list, str, dict, Decimal) with
# exact `type(x) is …` checks and leave everything else to the general path, which gives the
# same results and the same errors.

_ZERO = Decimal(0)
_COLLECTIONS = (list, tuple, frozenset, dict)  # a tuple: isinstance() with it beats a union
_SIZED = (str, *_COLLECTIONS)


def _sum(values):
    items = as_list(values, "sum()")
    if items is None:
        return None
    # A loop, not sum() over a generator calling number() per element: the lists are short (most
    # have 0 to 3 elements) and a Decimal needs only its type checked. Same additions, same order.
    total = _ZERO
    for v in items:
        if type(v) is Decimal:
            total += v
        elif v is not None:
            total += number(v, "sum()")  # raises: not a number
    return total


def _count(values):
    if type(values) is list:
        return whole(len(values))
    items = as_list(values, "count()")
    return None if items is None else whole(len(items))


def _extreme(pick):
    def impl(*args):
        items = as_list(args[0], "min()/max()") if len(args) == 1 else list(args)
        if items is None:
            return None
        # number() only for what is not a Decimal (and so raises)
        present = [v if type(v) is Decimal else number(v, "min()/max()") for v in items if v is not None]
        return pick(present) if present else None

    return impl


def _any(values):
    items = as_list(values, "any()")
    if items is None:
        return None
    if any(v is True for v in items):
        return True
    return None if any(v is None for v in items) else False


def _all(values):
    items = as_list(values, "all()")
    if items is None:
        return None
    if any(v is False for v in items):
        return False
    return None if any(v is None for v in items) else True


def _round(value, places=Decimal(0)):
    return None if value is None else round_half_up(number(value, "round()"), as_places(places))


def _trunc(value, places=Decimal(0)):
    return None if value is None else _truncate(number(value, "truncate()"), as_places(places))


# (a number with exponent e, decimals(), ulp()) for the exponents figures have, the most common
# first: 0.01 万元 (a table printed in 万元), 0.000001 万元 (in 元, to the 分), whole numbers …
# `x.same_quantum(q)` is true exactly when x is finite with q's exponent, and costs a seventh of
# `x.as_tuple()`, which copies every digit (ARITH-03 asks ulp() twice per cell).
_QUANTA = tuple(
    (Decimal(1).scaleb(e), whole(max(0, -e)), Decimal(1).scaleb(-max(0, -e))) for e in (-2, -6, 0, -1, -4)
)


def _decimals(value):
    """How many decimals a number was printed with: 0.6 → 1, 2457.00 → 2, 100 → 0."""
    if value is None:
        return None
    if type(value) is Decimal:
        for quantum, places, _ in _QUANTA:
            if value.same_quantum(quantum):
                return places
    exponent = number(value, "decimals()").as_tuple().exponent
    return whole(max(0, -exponent)) if type(exponent) is int else None


def _ulp(value):
    """One unit in the last printed place: 11.34 → 0.01, 0.6 → 0.1, 100 → 1."""
    if type(value) is Decimal:
        for quantum, _, unit in _QUANTA:
            if value.same_quantum(quantum):
                return unit
    places = _decimals(value)
    return None if places is None else Decimal(1).scaleb(-int(places))


def _present(value):
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    return True


def _empty(value):
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, _COLLECTIONS):
        return len(value) == 0
    return False


def _set(values):
    items = as_list(values, "set()")
    return None if items is None else set_of(items, "set()")


def _join(values, sep=""):
    items = as_list(values, "join()")
    if items is None:
        return None
    texts = [v if type(v) is str else format_value(v) for v in items]  # format_value(text) is text
    if isinstance(values, frozenset):
        texts.sort()
    return as_text(sep, "join()").join(texts)


def _distinct(values):
    items = as_list(values, "distinct()")
    if items is None:
        return None
    out: list = []
    for v in items:
        if v not in out:
            out.append(v)
    return out


def _len(value):
    if value is None:
        return None
    if isinstance(value, _SIZED):
        return whole(len(value))
    raise RuleTypeError(f"len() needs a string or list, got {kind(value)}")


def _get(obj, key):
    if type(obj) is dict and type(key) is str:  # a cell by column key, per row and column
        return obj.get(key)
    if obj is None or key is None:
        return None
    if isinstance(obj, list):  # get(list, i): an element by a computed position
        i = int(number(key, "get()"))
        return obj[i] if -len(obj) <= i < len(obj) else None
    if not isinstance(obj, dict):
        raise RuleTypeError(f"get() needs an object or a list, got {kind(obj)}")
    return obj.get(as_text(key, "get()"))


def _keys(obj):
    if obj is None:
        return None
    if not isinstance(obj, dict):
        raise RuleTypeError(f"keys() needs an object, got {kind(obj)}")
    return list(obj.keys())


def _coalesce(*values):
    for v in values:  # a loop, not next() over a generator: mostly called with two arguments
        if v is not None:
            return v
    return None


def _abs(value):
    return None if value is None else abs(number(value, "abs()"))


def _pct(part, base):
    if part is None or base is None:
        return None
    base = number(base, "pct()")
    return None if base == 0 else number(part, "pct()") / base * 100


def _str(value):
    return None if value is None else format_value(value)


def _sorted(values):
    items = as_list(values, "sorted()")
    if items is None:
        return None
    present = [v for v in items if v is not None]
    kinds = {type(v) for v in present}
    if len(kinds) > 1 or kinds - {str, Decimal}:
        got = " and ".join(sorted({kind(v) for v in present}))
        raise RuleTypeError(f"sorted() needs all numbers or all text, got {got}")
    return sorted(present)


def _first(values):
    # the first element, null for an empty list: "the first match" reads as what it is, where
    # `xs[0]` read like a position in a tuple (issue 13)
    items = as_list(values, "first()")
    return items[0] if items else None


BUILTINS: dict[str, Builtin] = {
    "sum": Builtin(_sum, 1, 1, "sum of a list of numbers; nulls are skipped"),
    "count": Builtin(_count, 1, 1, "number of elements of a list"),
    "first": Builtin(_first, 1, 1, "the first element of a list (a filter's first match); null if empty"),
    "min": Builtin(_extreme(min), 1, None, "smallest of a list (or of the arguments)"),
    "max": Builtin(_extreme(max), 1, None, "largest of a list (or of the arguments)"),
    "any": Builtin(_any, 1, 1, "true when some element is true", logical=True),
    "all": Builtin(_all, 1, 1, "true when every element is true", logical=True),
    "round": Builtin(_round, 1, 2, "round half-up (四舍五入) to n decimal places"),
    "truncate": Builtin(_trunc, 1, 2, "cut (not round) to n decimal places"),
    "decimals": Builtin(_decimals, 1, 1, "number of decimals a number was printed with"),
    "ulp": Builtin(_ulp, 1, 1, "one unit in the last printed place (0.6 → 0.1)"),
    "abs": Builtin(_abs, 1, 1, "absolute value"),
    "pct": Builtin(_pct, 2, 2, "part / base × 100, unrounded; null when base is 0"),
    "len": Builtin(_len, 1, 1, "length of a string or list"),
    "set": Builtin(_set, 1, 1, "the set of a list's values"),
    "sorted": Builtin(_sorted, 1, 1, "a list sorted ascending"),
    "distinct": Builtin(_distinct, 1, 1, "a list without repeated values, in order"),
    "join": Builtin(_join, 1, 2, "values joined into text with a separator"),
    "present": Builtin(_present, 1, 1, "the value is there (not null, not blank text)", logical=True),
    "empty": Builtin(_empty, 1, 1, "null, blank text, or an empty list/set/object", logical=True),
    "get": Builtin(_get, 2, 2, "a field of an object by name, or a list element by position"),
    "keys": Builtin(_keys, 1, 1, "the field names of an object"),
    "coalesce": Builtin(_coalesce, 1, None, "the first argument that is not null"),
    "str": Builtin(_str, 1, 1, "a value as text"),
    **TABLE_BUILTINS,
    **TEXT_BUILTINS,
}
