"""Built-in functions of the rule language: name → arity and a pure implementation.

Numbers, lists, sets, classified tables and objects live here; text functions in fn_text.py.
"""

from __future__ import annotations

from decimal import Decimal

from budgetlint.dsl.fn_base import Builtin, as_list, as_places, as_text
from budgetlint.dsl.fn_text import TEXT_BUILTINS, compile_pattern
from budgetlint.dsl.values import (
    RuleTypeError,
    format_value,
    kind,
    number,
    round_half_up,
    set_of,
    short,
)
from budgetlint.dsl.values import truncate as _truncate

__all__ = ["BUILTINS", "Builtin", "compile_pattern"]

# The fast paths below exist because rules call these builtins per row and per column (thousands
# of calls per document): they handle the usual plain JSON values (list, str, dict, Decimal) with
# exact `type(x) is …` checks and leave everything else to the general path, which gives the
# same results and the same errors.

_ZERO = Decimal(0)
_SMALL_WHOLE = tuple(Decimal(n) for n in range(64))  # counts and decimals() without Decimal(int)
_LEVELS = {3: "类", 5: "款", 7: "项"}
_COLLECTIONS = (list, tuple, frozenset, dict)  # a tuple: isinstance() with it beats a union
_SIZED = (str, *_COLLECTIONS)


def _whole(n: int) -> Decimal:
    return _SMALL_WHOLE[n] if n < 64 else Decimal(n)


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
        return _whole(len(values))
    items = as_list(values, "count()")
    return None if items is None else _whole(len(items))


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


def _decimals(value):
    """How many decimals a number was printed with: 0.6 → 1, 2457.00 → 2, 100 → 0."""
    if value is None:
        return None
    exponent = number(value, "decimals()").as_tuple().exponent
    return _whole(max(0, -exponent)) if type(exponent) is int else None


def _ulp(value):
    """One unit in the last printed place: 11.34 → 0.01, 0.6 → 0.1, 100 → 1."""
    places = _decimals(value)
    return None if places is None else Decimal(1).scaleb(-int(places))


def _level(code):
    if type(code) is str:  # a row's code, in every table filter
        return _LEVELS.get(len(code))
    code = as_text(code, "level()")
    return None if code is None else _LEVELS.get(len(code))


def _parent(code):
    code = as_text(code, "parent()")
    return code[:-2] if code is not None and len(code) in (5, 7) else None


def _children(memo: dict, rows, code):
    """The rows directly under a classification code; a builtin because every table rule needs it
    per row. The rows of a table are indexed by parent code once per document (rules ask for the
    children of every row: scanning the table each time is quadratic)."""
    if type(rows) is not list:  # a tuple or set is a fresh list each call: nothing to index
        rows = as_list(rows, "children()")
        code = as_text(code, "children()")
        return None if rows is None or code is None else _children_index(rows).get(code, [])[:]
    code = as_text(code, "children()")
    if code is None:
        return None
    key = ("children()", id(rows))
    entry = memo.get(key)
    if entry is None or entry[0] is not rows:  # the entry keeps rows alive: its id is not reused
        entry = memo[key] = (rows, _children_index(rows))
    return entry[1].get(code, [])[:]


def _children_index(rows: list) -> dict[str, list]:
    index: dict[str, list] = {}
    for r in rows:
        c = r.get("code") if type(r) is dict else None
        if type(c) is str and len(c) >= 2:  # a child's code is its parent's plus two digits
            index.setdefault(c[:-2], []).append(r)
    return index


def _pluck(rows, field):
    """`rows.<field>` for a field named at run time: each row's value, nulls dropped."""
    if type(rows) is list and type(field) is str:  # per column of a table
        return [v for r in rows if type(r) is dict and (v := r.get(field)) is not None]
    items = as_list(rows, "pluck()")
    field = as_text(field, "pluck()")
    if items is None or field is None:
        return None
    return [v for r in items if type(r) is dict and (v := r.get(field)) is not None]


def _index_by(rows, field):
    """An object from a list of objects: each value of `field` → the first object that has it.
    Looking rows up by code through it is linear; a filter per row would be quadratic."""
    items = as_list(rows, "index_by()")
    field = as_text(field, "index_by()")
    if items is None or field is None:
        return None
    index: dict = {}
    for r in items:
        if type(r) is dict and isinstance(key := r.get(field), str):
            index.setdefault(key, r)
    return index


_GROUPS = (list, tuple, frozenset)  # a tuple: isinstance() with it beats a union


def _tally(values):
    """An object: each distinct text → how many times it occurs, in order of first occurrence;
    nulls are dropped. A list or set among the values counts each of its members (one level, as
    a projection flattens), so a list of sets gives in how many of the sets each text occurs.
    Counting through it is linear; a filter or a membership test per element would be quadratic.
    Only text is counted: object keys are text, and keying a number by its printed form would
    count 1 and 1.00 apart although 1 == 1.00, so a number is a type error (count str(x))."""
    items = as_list(values, "tally()")
    if items is None:
        return None
    counts: dict[str, int] = {}
    for v in items:
        if isinstance(v, str):
            counts[v] = counts.get(v, 0) + 1
        elif isinstance(v, _GROUPS):
            for member in v:
                if isinstance(member, str):
                    counts[member] = counts.get(member, 0) + 1
                elif member is not None:
                    _not_text(member)
        elif v is not None:
            _not_text(v)
    return {text: _whole(n) for text, n in counts.items()}


def _not_text(value):
    hint = "; count str(x) and look it up by str(x)" if type(value) is Decimal else ""
    raise RuleTypeError(f"tally() counts text, got {kind(value)} {short(value)}{hint}")


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
        return _whole(len(value))
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


BUILTINS: dict[str, Builtin] = {
    "sum": Builtin(_sum, 1, 1, "sum of a list of numbers; nulls are skipped"),
    "count": Builtin(_count, 1, 1, "number of elements of a list"),
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
    "level": Builtin(_level, 1, 1, "类/款/项 from the length of a classification code"),
    "children": Builtin(
        _children, 2, 2, "the rows directly under a code (208 → its 款 rows)", per_document=True
    ),
    "pluck": Builtin(_pluck, 2, 2, "the values of a field named at run time over a list (nulls dropped)"),
    "index_by": Builtin(_index_by, 2, 2, "an object: each value of a field → the first row with it"),
    "tally": Builtin(_tally, 1, 1, "an object: each distinct text of a list → how many times it occurs"),
    "parent": Builtin(_parent, 1, 1, "the parent classification code (2080109 → 20801)"),
    "get": Builtin(_get, 2, 2, "a field of an object by name, or a list element by position"),
    "keys": Builtin(_keys, 1, 1, "the field names of an object"),
    "coalesce": Builtin(_coalesce, 1, None, "the first argument that is not null"),
    "str": Builtin(_str, 1, 1, "a value as text"),
    **TEXT_BUILTINS,
}
