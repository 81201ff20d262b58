"""A pattern run by RE2 skips a text that lacks every literal a match must hold (regex.needed).

The skip must never change an answer: each pattern below is compared with Python's re (the
meaning matches() keeps) on every string of every sample and on seeded random strings.
"""

from __future__ import annotations

import random
import re

import pytest

from budgetlint.dsl.regex import _Linear, compile_pattern, needed
from tests.conftest import sample_texts


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"[0-9%％元人辆个项]\s*其中", ("其中",)),
        ("X[XxＸ]+|Ｘ[XxＸ]+|增加（减少）", ("X", "Ｘ", "增加（减少）")),
        (r"\d+人次", ("人次",)),
        (r"ab\d+cde", ("cde",)),  # the longest run
        ("a[^b]c", ("a",)),  # [^b] is one character, not a literal
        ("abc|abd", ("ab",)),  # the parser takes the common prefix out of the branches
        ("a+b|c", ("b", "c")),
        ("a|b*", ()),  # a branch that can match with no literal: nothing is needed
        ("a*", ()),
        ("(?:ab)+c", ("c",)),  # only the top level is read
        ("(?i)abc", ()),  # under (?i) "abc" also matches "ABC"
        ("abc(?i:d)ef", ("abc",)),
        (r"x{,2}y", ("y",)),
        (r"\u4e00\*", ("一*",)),
        ("", ()),
    ],
)
def test_needed(pattern, expected):
    assert needed(pattern) == expected


# Patterns RE2 runs: the rules' own, and some that stress the reading of the pattern
PATTERNS = [
    r"[0-9%％元人辆个项]\s*其中",
    "X[XxＸ]+|Ｘ[XxＸ]+|增加（减少）|减少（增加）|增长（下降）|下降（增长）|大于（小于）|小于（大于）"
    "|如持平作持平表述|不涉及的不列|按上述格式|作下述说明|仍保留该表格式|制度名称|列明公务",
    "部分|附表$|^[一二三四五六七八九十]+、",
    r"\d+人",
    r"年\s*\d+月+",
    "(?i)x+y",
    "a+b|c",
    "(?:万元)+|亿元",
    r"[A-Z]+\d*号",
    "万[^元]+亿",
]


def _texts():
    texts = sample_texts()
    rng = random.Random(15)
    alphabet = "其中万元亿年月人号部分附表一二、XxＸ增加（减少）AB0123 \u3000\naycY"
    for _ in range(3000):
        texts.add("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))))
    return sorted(texts)


TEXTS = _texts()


@pytest.mark.parametrize("pattern", PATTERNS)
def test_the_skip_never_changes_an_answer(pattern):
    linear = compile_pattern(pattern)
    assert isinstance(linear, _Linear)  # else this test would not test the skip
    python = re.compile(pattern)
    for text in TEXTS:
        expected = python.search(text)
        assert (linear.search(text) is not None) is (expected is not None), (pattern, text)
        assert linear.found(text) == (expected.group(0) if expected else None), (pattern, text)


def test_a_text_without_what_is_needed_is_not_given_to_re2():
    linear = compile_pattern(r"[0-9%％元人辆个项]\s*其中")
    calls = []
    run = linear._match
    linear._match = lambda *args: calls.append(args) or run(*args)
    assert linear.search("支出 45% 其余") is None
    assert linear.found("支出 45% 其余") is None
    assert calls == []
    assert linear.search("下降 45%其中") is True
    assert len(calls) == 1
