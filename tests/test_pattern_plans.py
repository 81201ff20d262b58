"""A `matches()` pattern is worked out when its rule is compiled (budgetlint.dsl.regex.plan) and
only built when a rule first uses it (from_plan): what is built must be what compile_pattern
makes of the pattern, for every pattern of the built-in rules."""

from __future__ import annotations

import ast
import re

import pytest

from budgetlint.dsl.codegen import load
from budgetlint.dsl.regex import compile_pattern, from_plan, plan
from budgetlint.resources import rules_dir
from budgetlint.rulebook import build_with_compiler, parse_files, rule_files
from budgetlint.schema import load_schema

TEXTS = [
    "",
    "本年支出预算 2495.56 万元，比上年增加 120.3 万元，增长 5.1%其中：基本支出",
    "XX 万元；某某单位；请填写；**；2020年2020年；企业职工企业职工",
    "减少（增加）持平 下降 压缩 ≥95% ≤3天 =100% >0",
    "ABC abc 123 ４５６ 　全角空格\n第二行\n",
]


def _rulebook_patterns() -> list[tuple[str, tuple]]:
    parsed, problems = parse_files(rule_files([rules_dir()]))
    assert not problems
    _, code, problems = build_with_compiler(parsed, load_schema())
    assert not problems
    namespace = load(code)
    return [
        (v[1], v[2])
        for v in namespace.values()
        if type(v) is list and len(v) == 3 and v[0] is None and type(v[1]) is str and type(v[2]) is tuple
    ]


def _same(built, reference, texts=TEXTS):
    assert type(built) is type(reference)
    if type(reference) is re.Pattern:
        assert (built.pattern, built.flags, built.groups, built.groupindex) == (
            reference.pattern,
            reference.flags,
            reference.groups,
            reference.groupindex,
        )
        for text in texts:
            a, b = built.search(text), reference.search(text)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups()))
    else:
        assert built._needed == reference._needed  # the texts a match must hold, as planned
        for text in texts:
            assert built.found(text) == reference.found(text)


def test_every_pattern_of_the_rulebook_is_built_as_compiled():
    patterns = _rulebook_patterns()
    assert len(patterns) >= 10  # the rulebook's patterns were found
    assert {p[0] for _, p in patterns} == {"re", "re2"}  # both engines are exercised
    for text, planned in patterns:
        assert planned == plan(text)
        _same(from_plan(text, planned), compile_pattern(text))


@pytest.mark.parametrize(
    "pattern",
    [
        "减|降|压缩",
        "(?i)abc",
        "(?P<n>[0-9]+)年",
        r"^[千万亿]?元$",
        r"\d+(\.\d+)?%",
        "a+b",
        r"(\w+)\s*其中",
        "[^\\s]{3,}",
    ],
)
def test_hand_written_patterns_are_built_as_compiled(pattern):
    planned = plan(pattern)
    assert "INFO" not in repr(planned)  # the program is plain numbers: its repr is Python
    assert ast.literal_eval(repr(planned)) == planned  # the generated code holds it as a literal
    _same(from_plan(pattern, planned), compile_pattern(pattern))


def test_a_plan_this_python_cannot_use_is_compiled_the_long_way():
    pattern = "减|降|压缩"
    broken = ("re", 0, (999, 999, 999), 0, {}, (None,))
    _same(from_plan(pattern, broken), compile_pattern(pattern))
    _same(from_plan(pattern, ("re",)), compile_pattern(pattern))


def test_a_pattern_that_cannot_be_used_is_refused_when_planned():
    with pytest.raises(ValueError, match="look-ahead"):
        plan("a(?=b)")
