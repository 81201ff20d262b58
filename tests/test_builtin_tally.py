"""tally(): each distinct text of a list → how many times it occurs; the linear way to count copies
(PERF-09, PERF-10), so its semantics are pinned here: nulls, groups, wrong kinds, empty lists."""

from __future__ import annotations

import copy
import re
from decimal import Decimal as D

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.parser import parse_rules
from budgetlint.dsl.rules import Pointers
from budgetlint.dsl.values import RuleTypeError
from budgetlint.engine import rule_findings
from budgetlint.loader import Document
from budgetlint.rulebook import build

DOC = {
    "goals": [{"aim": "甲"}, {"aim": "乙"}, {"aim": "甲"}, {"aim": None}, {}, {"aim": "甲"}],
    "rows": [["a", "b"], ["a"], ["b", "b", "c"]],
}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("tally(goals.aim)", {"甲": D(3), "乙": D(1)}),  # the projection drops null and absent aims
        ("tally(['a', null, 'a', null])", {"a": D(2)}),  # nulls are dropped, never counted
        ("tally([null])", {}),
        ("tally([])", {}),
        ("tally(null)", None),  # absent data stays absent
        ("keys(tally(['b', 'a', 'b', 'c']))", ["b", "a", "c"]),  # in order of first occurrence
        ("get(tally(goals.aim), '甲')", D(3)),
        ("get(tally(goals.aim), '丙')", None),  # not counted: null, as get() of any absent key
        ("get(tally(goals.aim), goals[3].aim)", None),
        ("coalesce(get(tally(goals.aim), '丙'), 0)", D(0)),
        ("tally({'a', 'b'})", {"a": D(1), "b": D(1)}),  # a set: each member once
        # A list or set among the values counts each member: in how many groups a text occurs
        # once the groups are sets, how often it occurs in all of them when they are lists.
        ("tally([set(r) for r in rows])", {"a": D(2), "b": D(2), "c": D(1)}),
        ("tally(rows)", {"a": D(2), "b": D(3), "c": D(1)}),
        ("tally([['a', null], 'a', []])", {"a": D(2)}),
        ("tally(['1', '1.0'])", {"1": D(1), "1.0": D(1)}),  # text is counted as printed
        ("tally([str(1), str(1)])", {"1": D(2)}),  # numbers: count their text
    ],
)
def test_tally_semantics(expr, expected):
    assert evaluate(expr, DOC) == expected


def test_the_counts_are_numbers_of_the_language():
    assert evaluate("get(tally(['a', 'a']), 'a') + 1 == 3 and get(tally(['a']), 'a') == 1", DOC) is True


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        ("tally([1, 'a'])", "tally() counts text, got number 1; count str(x)"),
        ("tally([1.00])", "tally() counts text, got number 1.00"),
        ("tally([true])", "tally() counts text, got boolean"),
        ("tally(goals)", "tally() counts text, got object"),
        ("tally([['a', 2]])", "tally() counts text, got number 2"),  # a member of a group too
        ("tally([[['a']]])", "tally() counts text, got list"),  # groups are one level deep
        ("tally('甲')", "tally() needs a list, got string"),
        ("tally(goals[0])", "tally() needs a list, got object"),
        ("tally(3)", "tally() needs a list, got number"),
    ],
)
def test_a_value_of_the_wrong_kind_is_a_rule_type_error(expr, fragment):
    with pytest.raises(RuleTypeError, match=re.escape(fragment)):
        evaluate(expr, DOC)


def test_a_wrong_kind_in_a_rule_is_a_rule_error_finding_not_a_crash():
    source = (
        'rule T-1 {\n title "标题" title_en "Title" severity error basis "依据"\n'
        ' assert get(tally(n), "a") == 1\n message "x"\n}\n'
    )
    rules, problems = build([parse_rules(source, "t.rules")], None)
    assert not problems
    book = type("B", (), {"rules": tuple(rules)})()
    [finding] = rule_findings(Document.in_memory("d.json", {"n": [D(1)]}), book)
    assert finding.rule == "rule-error" and finding.line == 3
    assert "tally() counts text, got number 1" in finding.message
    assert "internal error" not in finding.message


def _messages(rulebook, rule_id, data):
    rule = rulebook.by_id(rule_id)
    return [h.message for h in rule.evaluate(data, Pointers(data))]


def test_perf10_counts_the_other_copies_of_an_annual_goal(rulebook, sample_data):
    goals = sample_data["performance_goals"]
    for g in goals[1:4]:  # three projects with one annual goal: each has two other copies
        g["annual_goal"] = goals[2]["annual_goal"]
    messages = _messages(rulebook, "PERF-10", sample_data)
    assert len(messages) == 3 and all(m.endswith("年度绩效目标与另外 2 个项目逐字相同") for m in messages)


def test_perf09_counts_a_project_once_however_often_it_prints_a_row(rulebook, sample_data):
    # Three projects; the generic rows are made unique in the third and printed three times in
    # the first: two projects share them, which is not three, however often they are printed.
    goals = sample_data["performance_goals"] = sample_data["performance_goals"][:3]
    for i, ind in enumerate(goals[2]["indicators"]):
        ind["value"] = f"={i}次"
    goals[0]["indicators"] += copy.deepcopy(goals[0]["indicators"]) * 2
    assert _messages(rulebook, "PERF-09", sample_data) == []
    goals[2]["indicators"] = copy.deepcopy(goals[1]["indicators"])  # now three share them
    [message] = _messages(rulebook, "PERF-09", sample_data)
    assert message.startswith("3 个项目中有 6 项三级指标连同指标值在 3 个以上项目逐字相同：")
    assert message.split("：")[1].startswith("资金成本浪费率（≤1%）、资金使用合规性（符合规定）、")
