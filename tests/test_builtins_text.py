"""Builtins for text and dates: repeated(), abbreviates(), days()."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.values import RuleTypeError


def ev(expr: str, doc: dict | None = None):
    return evaluate(expr, doc or {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("解决企业职工企业职工基本养老保险个体参保人员", "企业职工"),
        ("公务接待费 2 万元万元", "万元"),
        ("实现人人享有社会保险的目标", None),  # one character doubled is ordinary Chinese
        ("上级补助收入、事业收入、事业单位经营收入", None),  # a list, not a doubled word
        ("2,495.56 2,495.56", None),  # figures repeated in a table row have no Chinese
        ("", None),
    ],
)
def test_repeated(text, expected):
    assert ev(f'repeated("{text}")') == expected


def test_repeated_minimum_length():
    assert ev('repeated("人人享有", 1)') == "人"
    assert ev('repeated("企业职工企业职工", 5)') is None
    assert ev("repeated(null)") is None


@pytest.mark.parametrize(
    ("char", "chinese"),
    [("\u4e00", True), ("\u9fff", True), ("\u3400", False), ("\ua000", False)],  # the range's ends
)
def test_repeated_counts_the_basic_cjk_block_as_chinese(char, chinese):
    assert ev(f'repeated("{char}{char}", 1)') == (char if chinese else None)


def test_repeated_needs_text():
    with pytest.raises(Exception, match="needs a string"):
        ev("repeated(12)")


@pytest.mark.parametrize(
    ("short", "full", "expected"),
    [
        ("县社保中心", "寻乌县社会保险服务中心", True),
        ("县社会保险服务中心", "寻乌县社会保险服务中心", True),
        ("寻乌县社会保险服务中心", "寻乌县社会保险服务中心", True),
        ("县人社局", "寻乌县社会保险服务中心", False),
        ("中心社保", "寻乌县社会保险服务中心", False),  # order matters
        ("", "寻乌县社会保险服务中心", False),
    ],
)
def test_abbreviates(short, full, expected):
    assert ev(f'abbreviates("{short}", "{full}")') is expected


def test_abbreviates_null():
    assert ev('abbreviates(null, "x")') is None


def test_days():
    assert ev('days("2023-03-01", "2023-03-21")') == Decimal(20)
    assert ev('days("2023-02-20", "2023-03-01")') == Decimal(9)  # calendar days across a month end
    assert ev('days("2023-03-21", "2023-03-01")') == Decimal(-20)
    assert ev('days(null, "2023-03-01")') is None


def test_days_rejects_a_non_date():
    with pytest.raises((RuleTypeError, Exception), match="YYYY-MM-DD"):
        ev('days("2023年3月1日", "2023-03-21")')
