"""Issue 12, item 3: `matches()` patterns run in linear time (RE2), with Python's meaning kept."""

from __future__ import annotations

import signal
import time

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.fn_text import compile_pattern
from budgetlint.dsl.parser import parse_rules
from budgetlint.rulebook import build


@pytest.fixture
def deadline():
    """Fail instead of hanging: a backtracking engine would run for hours on these."""

    def expired(*_):
        raise TimeoutError("the pattern backtracked")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("((a+))+$", "a" * 28 + "!"),
        ("(a|a)+$", "a" * 5000 + "!"),
        ("((a)+)+$", "a" * 5000 + "!"),
        ("a*a*a*a*a*a*!!", "a" * 5000),
        ("(x+x+)+y", "x" * 10_000),
        ("(.*a){12}b", "a" * 5000),
    ],
)
def test_patterns_that_backtrack_run_in_linear_time(deadline, pattern, text):
    start = time.perf_counter()
    assert evaluate(f"matches(text, '{pattern}')", {"text": text}) is False
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        (r"[0-9%％元人辆个项]\s*其中", "12元\u3000其中", True),  # \s is Unicode, as in Python
        (r"\d+人", "１２人", True),  # full-width digits are digits
        (r"^[\w]+年$", "二〇二三年", True),
        (r"^[千万亿]?元$", "万元\n", True),  # $ before a final newline, as in Python
        (r"^[千万亿]?元$", "万元\nx", False),
        (r"x{,2}y", "xxy", True),  # {,n} is {0,n}
        (r"\u4e00", "一", True),
        (r"(?i)abc", "ABC", True),
        (r"减|降|压缩", "压缩开支", True),
        (r"^比", "与上年比", False),
    ],
)
def test_python_meaning_is_kept(pattern, text, expected):
    assert (compile_pattern(pattern).search(text) is not None) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(?<=a)b", "look-behind"),
        ("(?=a)", "look-ahead"),
        (r"(a)\1", "back-references"),
        ("(?P<x>a)(?P=x)", "back-references"),
        (r"\bword", "word boundary"),
        ("a{1001}", "RE2"),
        ("(", "invalid regular expression"),
        ("a" * 201, "longer than 200"),
    ],
)
def test_what_cannot_run_in_linear_time_is_refused_at_the_pattern(pattern, message):
    text = f"""rule T-1 {{
  title "t" title_en "t" severity error basis "b"
  assert not matches("x",
      '{pattern}') message "m"
}}
"""
    _, problems = build([parse_rules(text, "t.rules")], None)
    assert len(problems) == 1
    assert problems[0].startswith("t.rules:4:7: ")
    assert message in problems[0]
