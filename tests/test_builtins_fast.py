"""The fast paths of the builtins give the results and errors of the general code they shortcut.

Each builtin with a fast path is compared with its implementation from before the fast path
(kept below, verbatim) on inputs that take the fast path and inputs that miss it: null among the
elements, a non-number or non-string, tuples and sets, empty lists. Results are compared with
their type and printed form, so a Decimal with another exponent (1.5 for 1.50) is a difference.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.functions import BUILTINS
from budgetlint.dsl.values import RuleTypeError, format_value, kind, number

D = Decimal


# --- the implementations before the fast paths ------------------------------------------------


def as_list(value, what: str) -> list | None:
    if type(value) is list or value is None:
        return value
    if isinstance(value, tuple | frozenset):
        return list(value)
    raise RuleTypeError(f"{what} needs a list, got {kind(value)}")


def as_text(value, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    raise RuleTypeError(f"{what} needs a string, got {kind(value)} {format_value(value)}")


def _old_sum(values):
    items = as_list(values, "sum()")
    if items is None:
        return None
    return sum((number(v, "sum()") for v in items if v is not None), Decimal(0))


def _old_count(values):
    items = as_list(values, "count()")
    return None if items is None else Decimal(len(items))


def _old_extreme(pick):
    def impl(*args):
        items = as_list(args[0], "min()/max()") if len(args) == 1 else list(args)
        if items is None:
            return None
        present = [number(v, "min()/max()") for v in items if v is not None]
        return pick(present) if present else None

    return impl


def _old_decimals(value):
    if value is None:
        return None
    exponent = number(value, "decimals()").as_tuple().exponent
    return Decimal(max(0, -exponent)) if isinstance(exponent, int) else None


def _old_level(code):
    code = as_text(code, "level()")
    return None if code is None else {3: "类", 5: "款", 7: "项"}.get(len(code))


def _old_children(rows, code):
    items = as_list(rows, "children()")
    code = as_text(code, "children()")
    if items is None or code is None:
        return None
    width = len(code) + 2
    return [r for r in items if type(r) is dict and len(c := r.get("code") or "") == width and c[:-2] == code]


def _old_pluck(rows, field):
    items = as_list(rows, "pluck()")
    field = as_text(field, "pluck()")
    if items is None or field is None:
        return None
    return [v for r in items if type(r) is dict and (v := r.get(field)) is not None]


def _old_empty(value):
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, list | tuple | frozenset | dict):
        return len(value) == 0
    return False


def _old_join(values, sep=""):
    items = as_list(values, "join()")
    if items is None:
        return None
    texts = [format_value(v) for v in items]
    if isinstance(values, frozenset):
        texts.sort()
    return as_text(sep, "join()").join(texts)


def _old_len(value):
    if value is None:
        return None
    if isinstance(value, str | list | tuple | frozenset | dict):
        return Decimal(len(value))
    raise RuleTypeError(f"len() needs a string or list, got {kind(value)}")


def _old_get(obj, key):
    if obj is None or key is None:
        return None
    if isinstance(obj, list):
        i = int(number(key, "get()"))
        return obj[i] if -len(obj) <= i < len(obj) else None
    if not isinstance(obj, dict):
        raise RuleTypeError(f"get() needs an object or a list, got {kind(obj)}")
    return obj.get(as_text(key, "get()"))


def _old_coalesce(*values):
    return next((v for v in values if v is not None), None)


def _old_string_test(test):
    def impl(s, part):
        s, part = as_text(s, "a string test"), as_text(part, "a string test")
        return None if s is None or part is None else test(s, part)

    return impl


# --- inputs: the usual case first, then the ones a fast path must hand on ----------------------

ROW = {"code": "20801", "total": D("1.50")}
NUMBER_LISTS = [
    [],
    [D("1.50")],
    [D("1.50"), D("2.5")],
    [D("-0")],
    [D("0.1")] * 10,
    [D("0.1")] * 70,
    [None],
    [D("1"), None, D("2.25")],
    (D("1"), D("2")),
    frozenset({D("1"), D("2.50")}),
    [D("1"), "2"],
    [D("1"), None, True],
    [None, 3],
    [ROW],
    [float("1.5")],
    None,
    "12",
    D(3),
    {"a": D(1)},
]
ROWS = [
    {"code": "208", "total": D("10")},
    {"code": "20801", "total": D("4")},
    {"code": "2080101", "total": None},
    {"code": "2080102"},
    {"code": "20805", "total": D("6.00")},
    {"code": None, "total": D("1")},
    {"total": D("2")},
    "not a row",
    None,
]
TEXTS = ["208", "20801", "2080109", " 208 ", "", " ", "类", None, D(208), True, ["208"], ("2", "0")]
LIKE_TEXT = [*TEXTS, "社会保险", "保险", "险"]
KEYS = ["code", "total", "missing", None, D(0), D(-1), D(5), True, ["code"]]
OBJECTS = [ROW, {}, [D(1), D(2), D(3)], [], (D(1),), None, "text", D(1), frozenset({"a"})]
ANYTHING = [
    None,
    D(0),
    D("1.50"),
    "",
    "  ",
    "x",
    True,
    False,
    [],
    [None],
    (),
    ("a",),
    frozenset(),
    frozenset({"a"}),
    {},
    ROW,
]


def outcome(fn, *args):
    """What a call gives: the value with its type (and printed form), or the error it raises."""
    try:
        value = fn(*args)
    except Exception as err:  # the same exception, with the same message, is part of the contract
        return ("raises", type(err), str(err))
    return ("gives", type(value), repr(value))


def same(name, old, *args):
    assert outcome(BUILTINS[name].impl, *args) == outcome(old, *args), (name, args)


@pytest.mark.parametrize("values", NUMBER_LISTS, ids=repr)
def test_sum_count_min_max_as_before(values):
    same("sum", _old_sum, values)
    same("count", _old_count, values)
    same("min", _old_extreme(min), values)
    same("max", _old_extreme(max), values)


MIN_MAX_ARGS = [(D(1), None, D("0.5")), (None, None), (D(2), "3"), (D("1.0"), D(1))]


@pytest.mark.parametrize("args", MIN_MAX_ARGS, ids=repr)
def test_min_max_of_arguments_as_before(args):
    same("min", _old_extreme(min), *args)
    same("max", _old_extreme(max), *args)


@pytest.mark.parametrize(
    "value",
    [D("0.6"), D("2457.00"), D(100), D("1E+2"), D("1E-70"), D("NaN"), D("Infinity"), None, "0.6", True],
    ids=repr,
)
def test_decimals_as_before(value):
    same("decimals", _old_decimals, value)


def _children(rows, code, memo=None):
    """children() as rules call it: with the per-document memo where its index is kept."""
    return BUILTINS["children"].impl({} if memo is None else memo, rows, code)


@pytest.mark.parametrize("code", TEXTS, ids=repr)
def test_level_and_children_as_before(code):
    same("level", _old_level, code)
    memo: dict = {}  # shared: the second call of each pair answers from the index
    for rows in (ROWS, tuple(ROWS), None, [], ROWS, tuple(ROWS)):
        assert outcome(_children, rows, code, memo) == outcome(_old_children, rows, code), (rows, code)


def test_children_index_is_per_list_and_answers_fresh_lists():
    memo: dict = {}
    a = [{"code": "208"}, {"code": "20801"}, {"code": "20802"}, {"code": "2080101"}]
    b = [{"code": "20805"}]
    assert [r["code"] for r in _children(a, "208", memo)] == ["20801", "20802"]
    assert [r["code"] for r in _children(b, "208", memo)] == ["20805"]
    first = _children(a, "208", memo)
    first.clear()  # a caller's list is its own: the index is not changed through it
    assert len(_children(a, "208", memo)) == 2
    assert _children(a, "20801", memo) == [{"code": "2080101"}]
    assert _children(a, "2", memo) == [{"code": "208"}]  # any code: its own length plus two


def test_children_skips_a_row_whose_code_is_not_text():
    # A number or list as a code breaks the schema (reported there); children() must not crash.
    rows = [{"code": "20801"}, {"code": D(20801)}, {"code": ["2", "0", "8", "0", "1"]}, "row", None]
    assert _children(rows, "208") == [{"code": "20801"}]


@pytest.mark.parametrize("field", KEYS, ids=repr)
def test_pluck_as_before(field):
    for rows in (ROWS, tuple(ROWS), [], None, "rows", [ROW, ROW]):
        same("pluck", _old_pluck, rows, field)


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_get_as_before(key):
    for obj in OBJECTS:
        same("get", _old_get, obj, key)


COALESCE_ARGS = [(None,), (D(1),), (None, D(0)), (None, None), (D(0), D(1)), (None, None, "x")]


@pytest.mark.parametrize("args", COALESCE_ARGS, ids=repr)
def test_coalesce_as_before(args):
    same("coalesce", _old_coalesce, *args)


def test_coalesce_keeps_false_and_empty_values():
    coalesce = BUILTINS["coalesce"].impl
    assert coalesce(False, True) is False
    assert coalesce("", "x") == ""
    assert coalesce(D(0), D(1)) == D(0)


@pytest.mark.parametrize("s", LIKE_TEXT, ids=repr)
def test_string_tests_as_before(s):
    for part in LIKE_TEXT:
        same("contains", _old_string_test(lambda s, p: p in s), s, part)
        same("starts_with", _old_string_test(str.startswith), s, part)
        same("ends_with", _old_string_test(str.endswith), s, part)


@pytest.mark.parametrize("value", [*ANYTHING, "abc", [D(1)] * 70, D(5)], ids=repr)
def test_empty_len_join_as_before(value):
    same("empty", _old_empty, value)
    same("len", _old_len, value)
    same("join", _old_join, value)
    same("join", _old_join, value, "、")


def test_join_formats_what_is_not_text():
    join = BUILTINS["join"].impl
    assert join(["a", D("1.50"), None, True], "|") == "a|1.50|（空）|是"
    assert join(frozenset({"b", "a"}), ",") == "a,b"
    assert join([], ",") == ""


# --- the same edge cases through the language, with their expected values ---------------------


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("sum([1.50, 2.5])", "4.00"),
        ("sum([1, null, 2.25])", "3.25"),
        ("sum([])", "0"),
        ("sum([null])", "0"),
        ("count([])", "0"),
        ("count([null, null])", "2"),
        ("max([null, 1, 2.50])", "2.50"),
        ("min(3, null, 1.0)", "1.0"),
        ("decimals(2457.00)", "2"),
        ("len('社会保险')", "4"),
    ],
)
def test_numbers_through_the_language(expr, expected):
    value = evaluate(expr, {})
    assert type(value) is Decimal and str(value) == expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("sum([1, 'x'])", "sum() needs a number, got string x"),
        ("sum([1, null, true])", "sum() needs a number, got boolean 是"),
        ("sum('x')", "sum() needs a list, got string"),
        ("max([1, 'x'])", "min()/max() needs a number, got string x"),
        ("min(1, true)", "min()/max() needs a number, got boolean 是"),
        ("count(1)", "count() needs a list, got number"),
        ("level(208)", "level() needs a string, got number 208"),
        ("level(true)", "level() needs a string, got boolean 是"),
        ("children(rows, true)", "children() needs a string, got boolean 是"),
        ("children(true, '208')", "children() needs a list, got boolean"),
        ("pluck(rows, 1)", "pluck() needs a string, got number 1"),
        ("get(rows[0], 1)", "get() needs a string, got number 1"),
        ("get('x', 'code')", "get() needs an object or a list, got string"),
        ("contains('社会保险', 1)", "a string test needs a string, got number 1"),
        ("starts_with(1, 'x')", "a string test needs a string, got number 1"),
    ],
)
def test_errors_through_the_language(expr, message):
    with pytest.raises(RuleTypeError) as caught:
        evaluate(expr, {"rows": [{"code": "208"}]})
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("children(rows, '208')", [{"code": "20801"}]),
        ("children(rows, null)", None),
        ("children(null, '208')", None),
        ("pluck(rows, 'code')", ["208", "20801", "2080101"]),
        ("pluck(rows, 'name')", []),
        ("level(rows[1].code)", "款"),
        ("level(null)", None),
        ("level('2')", None),
        ("get(rows[0], 'code')", "208"),
        ("get(rows, 1)", {"code": "20801"}),
        ("get(rows, 7)", None),
        ("coalesce(null, rows[0].code)", "208"),
        ("coalesce(null, null)", None),
        ("contains('社会保险', '保险')", True),
        ("contains(null, '保险')", None),
        ("starts_with('20801', '208')", True),
        ("ends_with('20801', null)", None),
        ("years('2023年和2024年，12023')", [D(2023), D(2024)]),
        # what is written like a year but is not one: amounts, document numbers, a bare number
        ("years('1960.00 万元、2000万元、〔2015〕79 号、2019人、0.2023年')", []),
        ("years('2024-02-05 批复，2023 年度决算，2022/12/31')", [D(2024), D(2023), D(2022)]),
    ],
)
def test_values_through_the_language(expr, expected):
    rows = [{"code": "208"}, {"code": "20801"}, {"code": "2080101"}]
    assert evaluate(expr, {"rows": rows}) == expected
