"""The rule language: semantics of expressions, statements, static checks and runtime errors."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.parser import RuleSyntaxError, parse_rules
from budgetlint.engine import rule_findings
from budgetlint.loader import Document
from budgetlint.rulebook import RulebookError, build, load_rulebook
from budgetlint.schema import load_schema

DOC = {
    "items": [
        {"name": "a", "amount": D("282.9"), "share_pct": D("11.34")},
        {"name": "b", "amount": D("0.98"), "share_pct": D("0.04")},
        {"name": "c", "amount": None, "share_pct": D("0.6")},
    ],
    "goals": [{"indicators": [{"level1": "产出指标"}, {"level1": "效益指标"}]}, {"indicators": []}],
    "text": "2023年县社保中心",
}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("items.amount", [D("282.9"), D("0.98")]),  # projection drops nulls
        ("sum(items.share_pct)", D("11.98")),
        ("count(items)", D(3)),
        ("goals.indicators.level1", ["产出指标", "效益指标"]),  # projection flattens lists
        ("items[amount > 1].name", ["a"]),
        ("items[-1].name", "c"),
        ("items[5]", None),
        ("round(1.255, 2)", D("1.26")),  # half-up, not banker's rounding
        ("round(2.5)", D(3)),
        ("truncate(48.0854, 2)", D("48.08")),
        ("decimals(0.6) == 1 and decimals(2457.00) == 2", True),
        ("1 == 1.00", True),
        ("100.00 == 100 ± 0", True),
        ("100.03 == 100 ± 0.03", True),
        ("100.04 == 100 +- 0.03", False),
        ("null + 1", None),
        ("null == 1", None),  # absent data: neither true nor false
        ("false and null", False),
        ("true or null", True),
        ("1 / 0", None),
        ("{'a', 'b', 'c'} - set(items.name[it != 'b'])", frozenset({"b"})),
        # null is never a member of a set, whether the set is written out or built from values
        ("{1, null}", frozenset({D(1)})),
        ("{1, items[5]}", frozenset({D(1)})),
        ("count({null}) == count(set([null]))", True),
        ("'b' in items.name", True),
        ("'z' not in items.name", True),
        ("contains(text, '社保') and starts_with(text, '2023')", True),
        ("matches(text, '^[0-9]{4}年')", True),
        ("year(text)", D(2023)),
        ("[x * 2 for x in items.amount if x > 1]", [D("565.8")]),
        ("if count(items) > 2 then 'many' else 'few'", "many"),
        ("present('  ') or present(null)", False),
        ("empty([]) and empty(null) and not empty('x')", True),
        ("level('2080109') + level('20801') + level('208')", "项款类"),
        ("parent('2080109')", "20801"),
        ("number('≥35.36万元') == 35.36 and unit('≥35.36万元') == '万元'", True),
        ("comparator('≤9300元')", "≤"),
        ("ulp(0.6) + ulp(11.34)", D("0.11")),
        ("join(['a', 'b'], '、')", "a、b"),
        ("max(items.amount)", D("282.9")),
        ("min(3, 1, 2)", D(1)),
        ("[1, 2] + [3]", [D(1), D(2), D(3)]),
    ],
)
def test_expression_semantics(expr, expected):
    assert evaluate(expr, DOC) == expected


def _rules(text: str, schema=None):
    rules, problems = build([parse_rules(text, "t.rules")], schema)
    return rules, problems


RULE = """
rule T-1 {{
  title "标题" title_en "Title" severity error basis "依据"
  {body}
}}
"""


def test_for_reports_each_failing_element_at_its_pointer():
    rules, problems = _rules(
        RULE.format(
            body="for i in items\n when present(i.amount)\n assert i.amount < 100\n message '{i.name}'"
        )
    )
    assert not problems
    hits = list(rules[0].evaluate(DOC, _pointers(DOC)))
    assert [(h.pointer, h.message) for h in hits] == [("/items/0", "a")]


def test_at_names_a_member_even_when_absent():
    rules, _ = _rules(
        RULE.format(body="for i in items\n assert present(i.amount)\n at i.amount\n message 'x'")
    )
    hits = list(rules[0].evaluate(DOC, _pointers(DOC)))
    assert [h.pointer for h in hits] == ["/items/2/amount"]


def test_message_number_formatting():
    rules, _ = _rules(RULE.format(body="assert false\n message '{1200 / 2495.56 * 100:.2}% {{literal}}'"))
    assert next(rules[0].evaluate(DOC, _pointers(DOC))).message == "48.09% {literal}"


def test_rule_with_absent_data_is_skipped():
    rules, _ = _rules(RULE.format(body="for g in nothing.here\n assert false\n message 'x'"))
    assert list(rules[0].evaluate(DOC, _pointers(DOC))) == []


def test_type_error_becomes_rule_error_finding_at_the_expression():
    rules, problems = _rules(RULE.format(body="assert text > 5\n message 'x'"))
    assert not problems
    doc = Document.in_memory("d.json", DOC)
    book = type("B", (), {"rules": tuple(rules)})()
    [finding] = rule_findings(doc, book)
    assert finding.rule == "rule-error"
    assert finding.file == "t.rules" and finding.line == 4
    assert "T-1" in finding.message and "number" in finding.message


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ('rule A-1 { title "x }', 'unterminated string: the closing " is missing'),
        ("rule A-1 { assert a = b }", "write '==' to compare"),
        ("rule A-1 { asert x }", "unknown keyword 'asert' (did you mean 'assert'?)"),
        ("rule A-1 { title x }", "expected a string"),
        ("rule A-1 { assert a ==", "the file ends too early"),
    ],
)
def test_syntax_errors_are_labelled_with_a_caret(source, fragment):
    with pytest.raises(RuleSyntaxError) as info:
        parse_rules(source, "bad.rules")
    text = info.value.render()
    assert text.startswith("bad.rules:1:")
    assert fragment in text
    line, caret = text.splitlines()[1:3]
    assert caret.strip() == "^"
    assert line.strip() == source


def test_static_check_reports_every_problem_at_once():
    text = """
    def half(x) = x / 2
    rule A-1 { title "t" title_en "t" severity error basis "b"
      assert sun(narrative.revenue.items.amount) == 1 message "m" }
    rule A-2 { title "t" title_en "t" severity error basis "b"
      assert round(1, 2, 3) == half(1, 2) message "m" }
    rule A-3 { title "t" title_en "t" severity error basis "b"
      assert narative.revenue.total == 1 message "m" }
    rule A-3 { title "t" title_en "t" severity error basis "b" assert true message "m" }
    rule A-4 { title "t" severity error assert tables.three_public.rows.reception_fee == 1 message "m" }
    rule A-5 { title "t" title_en "t" severity error basis "b"
      assert matches(title.text, '(?<=a)b') and undefined_thing message "m" }
    """
    _, problems = _rules(text, load_schema())
    joined = "\n".join(problems)
    assert "unknown function 'sun'; did you mean 'sum'?" in joined
    assert "round() takes 1 to 2 argument(s), 3 given" in joined
    assert "half() takes 1 argument(s), 2 given" in joined
    assert "unbound name 'narative'; did you mean 'narrative'?" in joined
    assert "duplicate rule id A-3" in joined
    assert "rule A-4 lacks: title_en, basis" in joined
    assert "no field 'reception_fee'" in joined and "did you mean 'reception'?" in joined
    assert "look-behind (?<=…) is not supported" in joined
    assert "unbound name 'undefined_thing'" in joined
    assert all(p.startswith("t.rules:") for p in problems)


def test_recursive_definitions_are_refused():
    _, problems = _rules("def f(x) = g(x)\ndef g(x) = f(x)\n" + RULE.format(body="assert f(1)\n message 'm'"))
    assert any("recursion" in p for p in problems)


def test_load_rulebook_raises_with_all_problems(tmp_path: Path):
    (tmp_path / "a.rules").write_text('rule X-1 { title "t" }', encoding="utf-8")
    (tmp_path / "b.rules").write_text("rule X-2 { assert a = 1 }", encoding="utf-8")
    with pytest.raises(RulebookError) as info:
        load_rulebook([tmp_path], None)
    assert len(info.value.problems) == 2


def _pointers(doc):
    from budgetlint.dsl.rules import Pointers

    return Pointers(doc)


def test_for_with_position_and_get_by_position():
    rules, problems = _rules(
        RULE.format(body="for i, item in items\n assert i < 1\n at get(items, i).share_pct\n message '{i}'")
    )
    assert not problems
    hits = list(rules[0].evaluate(DOC, _pointers(DOC)))
    assert [(h.pointer, h.message) for h in hits] == [
        ("/items/1/share_pct", "1"),
        ("/items/2/share_pct", "2"),
    ]


def test_at_a_missing_top_level_field_points_at_it():
    rules, _ = _rules(RULE.format(body="assert present(department_goal)\n at department_goal\n message 'x'"))
    assert [h.pointer for h in rules[0].evaluate(DOC, _pointers(DOC))] == ["/department_goal"]


def test_a_bound_name_that_is_also_a_field_inside_a_filter_is_refused():
    text = RULE.format(
        body="for project in narrative.performance.projects\n"
        " assert count(performance_goals[project == 'x']) > 0\n message 'm'"
    )
    _, problems = _rules(text, load_schema())
    assert any("'project' inside [ … ] is ambiguous" in p and "it.project" in p for p in problems)


def test_pointers_of_containers_escape_keys_and_ignore_values_built_by_rules():
    inner = {"x": [1]}
    doc = {"a/b": [{"c~d": inner}], "e": {"f": [[], {}]}}
    pointers = _pointers(doc)
    assert pointers.of(doc) == ""
    assert pointers.of(inner) == "/a~1b/0/c~0d"
    assert pointers.of(inner["x"]) == "/a~1b/0/c~0d/x"
    assert pointers.of(doc["e"]["f"][1]) == "/e/f/1"
    assert pointers.of([1]) is None  # equal to a member, but not the member itself
    assert pointers.of("text") is None


@pytest.mark.parametrize(
    ("body", "line", "column"),
    [
        ("for x in text\n assert true\n message 'm'", 4, 12),
        ("let n = text + 1\n assert true\n message 'm'", 4, 11),
        ("when text\n assert true\n message 'm'", 4, 8),
        ("assert true and text\n message 'm'", 4, 10),
        ("assert false\n message '{text * 2}'", 5, 10),
    ],
)
def test_a_rule_error_points_at_the_step_that_raised_it(body, line, column):
    rules, problems = _rules(RULE.format(body=body))
    assert not problems
    doc = Document.in_memory("d.json", DOC)
    [finding] = rule_findings(doc, type("B", (), {"rules": tuple(rules)})())
    assert (finding.rule, finding.line, finding.column) == ("rule-error", line, column)


def test_a_name_bound_again_inside_a_loop_is_restored_for_the_next_element():
    body = "let x = 1\n for item in items\n let x = x + 1\n assert x < 3\n message '{x}'"
    rules, problems = _rules(RULE.format(body=body))
    assert not problems
    assert list(rules[0].evaluate(DOC, _pointers(DOC))) == []


@pytest.mark.parametrize(
    ("body", "hits"),
    [
        ("when is_text(text)\n assert false\n message 'm'", 1),  # a definition that is a condition
        ("when present(text) and not empty(items)\n assert false\n message 'm'", 1),
        ("when present(nothing)\n assert false\n message 'm'", 0),
    ],
)
def test_conditions_built_from_logical_functions_and_definitions(body, hits):
    rules, problems = _rules("def is_text(x) = present(x) and contains(x, '县')\n" + RULE.format(body=body))
    assert not problems
    assert len(list(rules[0].evaluate(DOC, _pointers(DOC)))) == hits


def test_a_definition_giving_a_non_truth_value_in_a_condition_is_a_rule_error():
    body = "when same(text)\n assert true\n message 'm'"
    rules, problems = _rules("def same(x) = x\n" + RULE.format(body=body))
    assert not problems
    doc = Document.in_memory("d.json", DOC)
    [finding] = rule_findings(doc, type("B", (), {"rules": tuple(rules)})())
    assert finding.rule == "rule-error" and "needs true or false" in finding.message


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("'a' in ['b', 'a']", True),
        ("'1' in [1]", False),
        ("'a' in {'a'}", True),
        ("'x' in [true, null]", False),
    ],
)
def test_text_membership(expression, value):
    assert evaluate(expression, {}) is value


FORMULAS = (
    "def amt(x) = coalesce(x, 0)\n"
    "def tol(n) = setting('rounding_per_item') * n\n"
    "def leading(x, y) = coalesce(x, 0)\n"
    "def swapped(x, y) = coalesce(y, x)\n"
)


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ("for item in items\n assert amt(item.amount) > tol(2)\n message 'm'", ["/items/2"]),
        ("for item in items\n assert amt(item.amount) + tol(item.share_pct) < 300\n message 'm'", []),
        # a parameter the body does not read is still evaluated: its type error is reported
        ("assert leading(1, text * 2) > 0\n message 'm'", ["rule-error"]),
        ("assert swapped(text * 2, 1) > 0\n message 'm'", ["rule-error"]),  # not inlined: order kept
    ],
)
def test_formula_definitions_evaluate_like_calls(body, pointers):
    rules, problems = _rules(FORMULAS + RULE.format(body=body))
    assert not problems
    doc = Document.in_memory("d.json", DOC)
    found = rule_findings(doc, type("B", (), {"rules": tuple(rules)})())
    assert [f.rule if f.rule == "rule-error" else f.pointer for f in found] == pointers


def test_a_mistake_in_a_formulas_argument_is_reported_once_at_the_call():
    _, problems = _rules(FORMULAS + RULE.format(body="assert amt(nope(1)) > 0\n message 'm'"))
    assert len(problems) == 1 and ":8:14:" in problems[0] and "unknown function 'nope'" in problems[0]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("present(x)", "是、是、否"),  # a bound name
        ("coalesce(x.amount, 0)", "282.9、0.98、0"),  # a field of one, and a literal
        ("coalesce(x.amount, x.share_pct)", "282.9、0.98、（空）"),
        ("get(x, k)", "a、b、（空）"),  # two bound names
        ("get(x, pair.key)", "a、b、（空）"),  # a bound name, and a field of another
        ("count(items[present(amount)])", "2、2、2"),  # a field of the filtered element
        ("contains(x.name, 'a')", "是、否、（空）"),
        ("x.name == 'a'", "是、否、（空）"),  # a field compared with a literal
        ("x.amount != 0.98", "是、否、（空）"),
        ("goals.indicators.level1 == '产出指标'", "否、否、否"),  # a projection is a list
        ("pluck(goals.indicators, k)", "、、"),  # a projection as the first argument
    ],
)
def test_builtin_arguments_read_inline_give_what_the_general_call_gives(expression, expected):
    doc = {**DOC, "items": [*DOC["items"][:2], None], "keys": [{"key": "name"}]}
    body = f'let k = "name"\n let pair = keys[0]\n assert false\n message "{{[{expression} for x in items]}}"'
    rules, problems = _rules(RULE.format(body=body))
    assert not problems, problems
    [hit] = rules[0].evaluate(doc, _pointers(doc))
    assert hit.message == expected
