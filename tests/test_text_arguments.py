"""The text builtins take text or null: text goes straight in, null gives null, anything else is
refused with the builtin's name (each checks the usual case, text, before calling as_text)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.fn_base import as_text
from budgetlint.dsl.values import RuleTypeError

CALLS = {
    "number": ("number(x)", "≥240人", Decimal(240)),
    "comparator": ("comparator(x)", "≥240人", "≥"),
    "unit": ("unit(x)", "≥240人", "人"),
    "years": ("years(x)", "2023年", [Decimal(2023)]),
    "year": ("year(x)", "2023年", Decimal(2023)),
    "matches": ("matches(x, '年')", "2023年", True),
    "matched": ("matched(x, '[0-9]+年')", "2023年", "2023年"),
    "repeated": ("repeated(x)", "万元万元", "万元"),
}


@pytest.mark.parametrize("name", CALLS)
def test_text_goes_in(name):
    expr, text, expected = CALLS[name]
    assert evaluate(expr, {"x": text}) == expected


@pytest.mark.parametrize("name", CALLS)
def test_null_gives_null(name):
    expr, _, _ = CALLS[name]
    assert evaluate(expr, {"x": None}) is None


@pytest.mark.parametrize("value", [Decimal(12), True, ["a"], {"a": "b"}])
@pytest.mark.parametrize("name", CALLS)
def test_anything_else_is_refused_with_the_builtins_name(name, value):
    expr, _, _ = CALLS[name]
    said = "years" if name == "year" else name  # year() is years()' first, and says so
    with pytest.raises(RuleTypeError, match=rf"{said}\(\) needs a string"):
        evaluate(expr, {"x": value})


def test_as_text_keeps_a_str_subclass():
    class Text(str):
        pass

    value = Text("年")
    assert as_text(value, "x") is value
    assert as_text(None, "x") is None
    with pytest.raises(RuleTypeError, match="x needs a string"):
        as_text(b"x", "x")


TESTS = {
    "contains": ("社会保险服务中心", "保险", True),
    "starts_with": ("社会保险服务中心", "社会", True),
    "ends_with": ("社会保险服务中心", "保险", False),
}


@pytest.mark.parametrize("name", TESTS)
def test_string_tests_on_text(name):
    text, part, expected = TESTS[name]
    assert evaluate(f"{name}(x, y)", {"x": text, "y": part}) is expected
    assert evaluate(f"{name}(x, y)", {"x": text, "y": "不在其中"}) is False


@pytest.mark.parametrize("name", TESTS)
def test_string_tests_on_null_give_null(name):
    assert evaluate(f"{name}(x, y)", {"x": None, "y": "a"}) is None
    assert evaluate(f"{name}(x, y)", {"x": "a", "y": None}) is None


@pytest.mark.parametrize("value", [Decimal(12), True, ["a"]])
@pytest.mark.parametrize("name", TESTS)
def test_string_tests_refuse_what_is_not_text(name, value):
    with pytest.raises(RuleTypeError, match="a string test needs a string"):
        evaluate(f"{name}(x, y)", {"x": value, "y": "a"})
    with pytest.raises(RuleTypeError, match="a string test needs a string"):
        evaluate(f"{name}(x, y)", {"x": "a", "y": value})


def test_a_text_is_read_once_per_document():
    from budgetlint.dsl.fn_text import _once_per_text

    read = []

    def number(s):
        read.append(s)
        return None if s is None else Decimal(len(s))

    impl = _once_per_text("number()", number)
    memo: dict = {}
    assert [impl(memo, "≤1%") for _ in range(3)] == [Decimal(3)] * 3
    assert impl(memo, "≥240人") == Decimal(5)
    assert read == ["≤1%", "≥240人"]
    assert impl({}, "≤1%") == Decimal(3)  # another document: read again
    assert read == ["≤1%", "≥240人", "≤1%"]
    assert impl(memo, None) is None and impl(memo, None) is None  # null is not kept: fn says null
    assert read[3:] == [None, None]


def test_kept_values_are_the_values_of_every_text_of_the_samples():
    from test_repeated_differential import SAMPLE_TEXTS

    from budgetlint.dsl.fn_text import TEXT_BUILTINS, _comparator, _number_in, _unit

    memo: dict = {}
    for name, fn in [("number", _number_in), ("comparator", _comparator), ("unit", _unit)]:
        impl = TEXT_BUILTINS[name].impl
        assert TEXT_BUILTINS[name].per_document
        for text in SAMPLE_TEXTS + SAMPLE_TEXTS:  # the second time from the memo
            assert impl(memo, text) == fn(text), (name, text)
