"""Built-in functions of the rule language: name → arity and a pure implementation."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from budgetlint.dsl.values import (
    RuleTypeError,
    format_value,
    kind,
    number,
    round_half_up,
)
from budgetlint.dsl.values import truncate as _truncate


@dataclass(frozen=True)
class Builtin:
    impl: Callable
    min_args: int
    max_args: int | None  # None: any number
    doc: str


def _items(value, what: str) -> list | None:
    if value is None:
        return None
    if isinstance(value, list | tuple | frozenset):
        return list(value)
    raise RuleTypeError(f"{what} needs a list, got {kind(value)}")


def _sum(values):
    items = _items(values, "sum()")
    if items is None:
        return None
    return sum((number(v, "sum()") for v in items if v is not None), Decimal(0))


def _count(values):
    items = _items(values, "count()")
    return None if items is None else Decimal(len(items))


def _extreme(pick):
    def impl(*args):
        items = _items(args[0], "min()/max()") if len(args) == 1 else list(args)
        if items is None:
            return None
        present = [number(v, "min()/max()") for v in items if v is not None]
        return pick(present) if present else None

    return impl


def _any(values):
    items = _items(values, "any()")
    if items is None:
        return None
    if any(v is True for v in items):
        return True
    return None if any(v is None for v in items) else False


def _all(values):
    items = _items(values, "all()")
    if items is None:
        return None
    if any(v is False for v in items):
        return False
    return None if any(v is None for v in items) else True


def _places(n) -> int:
    places = number(n, "the number of places")
    if places != places.to_integral_value() or not 0 <= places <= 12:
        raise RuleTypeError(f"the number of places must be a whole number 0–12, got {places}")
    return int(places)


def _round(value, places=Decimal(0)):
    return None if value is None else round_half_up(number(value, "round()"), _places(places))


def _trunc(value, places=Decimal(0)):
    return None if value is None else _truncate(number(value, "truncate()"), _places(places))


def _decimals(value):
    """How many decimals a number was printed with: 0.6 → 1, 2457.00 → 2, 100 → 0."""
    if value is None:
        return None
    exponent = number(value, "decimals()").as_tuple().exponent
    return Decimal(max(0, -exponent)) if isinstance(exponent, int) else None


def _ulp(value):
    """One unit in the last printed place: 11.34 → 0.01, 0.6 → 0.1, 100 → 1."""
    places = _decimals(value)
    return None if places is None else Decimal(1).scaleb(-int(places))


def _text(value, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    raise RuleTypeError(f"{what} needs a string, got {kind(value)} {format_value(value)}")


def _string_test(test):
    def impl(s, part):
        s, part = _text(s, "a string test"), _text(part, "a string test")
        return None if s is None or part is None else test(s, part)

    return impl


_NUMBER_IN_TEXT = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_COMPARATOR = re.compile(r"^\s*(≥|≤|>=|<=|=|＝|>|<|＞|＜)")
_COMPARATORS = {">=": "≥", "<=": "≤", "＝": "=", "＞": ">", "＜": "<"}


def _number_in(s):
    s = _text(s, "number()")
    if s is None:
        return None
    m = _NUMBER_IN_TEXT.search(s)
    return Decimal(m.group(0).replace(",", "")) if m else None


def _comparator(s):
    s = _text(s, "comparator()")
    m = _COMPARATOR.match(s) if s is not None else None
    return _COMPARATORS.get(m.group(1), m.group(1)) if m else None


def _unit(s):
    s = _text(s, "unit()")
    m = _NUMBER_IN_TEXT.search(s) if s is not None else None
    return s[m.end() :].strip() or None if m else None


def _years(s):
    s = _text(s, "years()")
    return None if s is None else [Decimal(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", s)]


def _year(s):
    found = _years(s)
    return found[0] if found else None


def _level(code):
    code = _text(code, "level()")
    return None if code is None else {3: "类", 5: "款", 7: "项"}.get(len(code))


def _parent(code):
    code = _text(code, "parent()")
    return code[:-2] if code is not None and len(code) in (5, 7) else None


def _children(rows, code):
    """The rows directly under a classification code; a builtin because every table rule needs it
    per row, and a filter in the language costs a closure call per row."""
    items = _items(rows, "children()")
    code = _text(code, "children()")
    if items is None or code is None:
        return None
    width = len(code) + 2
    return [r for r in items if type(r) is dict and len(c := r.get("code") or "") == width and c[:-2] == code]


def _pluck(rows, field):
    """`rows.<field>` for a field named at run time: each row's value, nulls dropped."""
    items = _items(rows, "pluck()")
    field = _text(field, "pluck()")
    if items is None or field is None:
        return None
    return [v for r in items if type(r) is dict and (v := r.get(field)) is not None]


def _index_by(rows, field):
    """An object from a list of objects: each value of `field` → the first object that has it.
    Looking rows up by code through it is linear; a filter per row would be quadratic."""
    items = _items(rows, "index_by()")
    field = _text(field, "index_by()")
    if items is None or field is None:
        return None
    index: dict = {}
    for r in items:
        if type(r) is dict and isinstance(key := r.get(field), str):
            index.setdefault(key, r)
    return index


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
    if isinstance(value, list | tuple | frozenset | dict):
        return len(value) == 0
    return False


def _set(values):
    items = _items(values, "set()")
    return None if items is None else frozenset(v for v in items if v is not None)


def _join(values, sep=""):
    items = _items(values, "join()")
    if items is None:
        return None
    texts = [format_value(v) for v in items]
    if isinstance(values, frozenset):
        texts.sort()
    return _text(sep, "join()").join(texts)


def _distinct(values):
    items = _items(values, "distinct()")
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
    if isinstance(value, str | list | tuple | frozenset | dict):
        return Decimal(len(value))
    raise RuleTypeError(f"len() needs a string or list, got {kind(value)}")


def _get(obj, key):
    if obj is None or key is None:
        return None
    if isinstance(obj, list):  # get(list, i): an element by a computed position
        i = int(number(key, "get()"))
        return obj[i] if -len(obj) <= i < len(obj) else None
    if not isinstance(obj, dict):
        raise RuleTypeError(f"get() needs an object or a list, got {kind(obj)}")
    return obj.get(_text(key, "get()"))


def _keys(obj):
    if obj is None:
        return None
    if not isinstance(obj, dict):
        raise RuleTypeError(f"keys() needs an object, got {kind(obj)}")
    return list(obj.keys())


def _coalesce(*values):
    return next((v for v in values if v is not None), None)


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
    items = _items(values, "sorted()")
    return None if items is None else sorted(v for v in items if v is not None)


def _matches(s, pattern):
    s = _text(s, "matches()")
    return None if s is None else pattern.search(s) is not None


_CJK = re.compile(r"[\u4e00-\u9fff]")
_LONGEST_REPEAT = 20  # a doubled word or phrase, not a repeated paragraph


def _repeated(s, min_len=Decimal(2)):
    """The first run of ≥ min_len word characters (one of them Chinese) printed twice in a row.

    "解决企业职工企业职工基本养老保险" → "企业职工"; null when there is none.
    """
    s = _text(s, "repeated()")
    if s is None:
        return None
    shortest = max(1, _places(min_len))
    for m in _repeat_pattern(shortest).finditer(s):
        run, at = m.group(1), m.start()
        while not _CJK.search(run):  # "2020年2020年": "20" repeats first; look for a longer run here
            longer = _repeat_pattern(len(run) + 1).match(s, at)
            if longer is None:
                break
            run = longer.group(1)
        else:
            return run
    return None


@lru_cache(maxsize=8)
def _repeat_pattern(shortest: int) -> re.Pattern:
    # At every position (a lookahead matches empty): the shortest run of word characters that is
    # followed by itself. No punctuation inside: "收入、事业收入、事业" is a list, not a doubled word.
    # The regex engine's scan replaces a Python loop over every start and size.
    return re.compile(rf"(?=([\w.%]{{{shortest},{_LONGEST_REPEAT}}}?)\1)")


def _abbreviates(short, full):
    """`short` keeps the characters of `full` in order (县社保中心 ⊑ 寻乌县社会保险服务中心)."""
    short, full = _text(short, "abbreviates()"), _text(full, "abbreviates()")
    if short is None or full is None:
        return None
    rest = iter(full)
    return bool(short) and all(ch in rest for ch in short)


def _days(start, end):
    """Calendar days from one ISO date (YYYY-MM-DD) to another: days("2023-02-01", "2023-02-21") = 20."""
    start, end = _text(start, "days()"), _text(end, "days()")
    if start is None or end is None:
        return None
    try:
        return Decimal((date.fromisoformat(end) - date.fromisoformat(start)).days)
    except ValueError:
        raise RuleTypeError(f"days() needs dates as YYYY-MM-DD, got {start!r} and {end!r}") from None


BUILTINS: dict[str, Builtin] = {
    "sum": Builtin(_sum, 1, 1, "sum of a list of numbers; nulls are skipped"),
    "count": Builtin(_count, 1, 1, "number of elements of a list"),
    "min": Builtin(_extreme(min), 1, None, "smallest of a list (or of the arguments)"),
    "max": Builtin(_extreme(max), 1, None, "largest of a list (or of the arguments)"),
    "any": Builtin(_any, 1, 1, "true when some element is true"),
    "all": Builtin(_all, 1, 1, "true when every element is true"),
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
    "contains": Builtin(_string_test(lambda s, p: p in s), 2, 2, "text contains a part"),
    "starts_with": Builtin(_string_test(str.startswith), 2, 2, "text starts with a prefix"),
    "ends_with": Builtin(_string_test(str.endswith), 2, 2, "text ends with a suffix"),
    "matches": Builtin(_matches, 2, 2, "text matches a regular expression (a string literal)"),
    "present": Builtin(_present, 1, 1, "the value is there (not null, not blank text)"),
    "empty": Builtin(_empty, 1, 1, "null, blank text, or an empty list/set/object"),
    "level": Builtin(_level, 1, 1, "类/款/项 from the length of a classification code"),
    "children": Builtin(_children, 2, 2, "the rows directly under a code (208 → its 款 rows)"),
    "pluck": Builtin(_pluck, 2, 2, "the values of a field named at run time over a list (nulls dropped)"),
    "index_by": Builtin(_index_by, 2, 2, "an object: each value of a field → the first row with it"),
    "parent": Builtin(_parent, 1, 1, "the parent classification code (2080109 → 20801)"),
    "number": Builtin(_number_in, 1, 1, "the first number in a text (≥240人 → 240)"),
    "comparator": Builtin(_comparator, 1, 1, "the leading ≥ ≤ = > < of a text"),
    "unit": Builtin(_unit, 1, 1, "the text after the first number (≥240人 → 人)"),
    "year": Builtin(_year, 1, 1, "the first year (19xx/20xx) in a text"),
    "years": Builtin(_years, 1, 1, "every year (19xx/20xx) in a text"),
    "get": Builtin(_get, 2, 2, "a field of an object by name, or a list element by position"),
    "keys": Builtin(_keys, 1, 1, "the field names of an object"),
    "coalesce": Builtin(_coalesce, 1, None, "the first argument that is not null"),
    "str": Builtin(_str, 1, 1, "a value as text"),
    "repeated": Builtin(_repeated, 1, 2, "a run of ≥ n characters printed twice in a row (企业职工企业职工)"),
    "abbreviates": Builtin(_abbreviates, 2, 2, "a short name keeps the full name's characters in order"),
    "days": Builtin(_days, 2, 2, "calendar days from one ISO date to another"),
}

# A pattern that nests quantifiers ((a+)+, (a*)*, (a|aa)+ …) can backtrack exponentially.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")
_MAX_PATTERN = 200


def compile_pattern(pattern: str) -> re.Pattern:
    """Compile a `matches()` pattern, refusing ones that could run away."""
    if len(pattern) > _MAX_PATTERN:
        raise ValueError(f"regular expression longer than {_MAX_PATTERN} characters")
    if _NESTED_QUANTIFIER.search(pattern):
        raise ValueError("nested quantifiers such as (a+)+ can run for ever; simplify the pattern")
    if re.search(r"\\[1-9]|\(\?P=", pattern):
        raise ValueError("back-references are not allowed in patterns")
    try:
        return re.compile(pattern)
    except re.error as err:
        raise ValueError(f"invalid regular expression: {err}") from None
