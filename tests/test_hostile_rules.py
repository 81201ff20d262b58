"""Issue 12, item 4 and the rule-language messages: runaway rules end with a `rule-error`, the
other rules go on; what cannot be compiled is one message at its line:col, never an internal
error (VisitError, RecursionError)."""

from __future__ import annotations

import re
import time
from decimal import Decimal as D
from pathlib import Path

import pytest

from budgetlint.dsl.parser import RuleSyntaxError, parse_rules
from budgetlint.dsl.scope import MAX_STEPS
from budgetlint.engine import rule_findings
from budgetlint.loader import Document
from budgetlint.rulebook import Rulebook, build
from tests.conftest import SAMPLE, run_cli

HEAD = 'title "t" title_en "t" severity error basis "b"'
FINE = f'rule OK-1 {{ {HEAD} assert false message "still checked" }}\n'
DOC = {"items": [{"n": D(i), "s": "ab"} for i in range(100)]}


def _run(text: str, doc=DOC):
    rules, problems = build([parse_rules(text, "t.rules")], None)
    assert problems == []
    start = time.perf_counter()
    findings = rule_findings(Document.in_memory("d.json", doc), Rulebook(tuple(rules), ("t.rules",)))
    return findings, time.perf_counter() - start


def _stopped(findings, rule_id: str, line: int):
    errors = [f for f in findings if f.rule == "rule-error"]
    assert len(errors) == 1, findings
    assert (errors[0].file, errors[0].line) == ("t.rules", line)
    assert errors[0].message.startswith(f"{rule_id}: stopped after {MAX_STEPS:,} steps")
    assert any(f.rule == "OK-1" for f in findings)  # the other rules went on


def test_six_nested_for_loops_are_stopped_by_the_budget():
    loops = "\n".join(f"  for x{i} in items" for i in range(6))
    text = FINE + f'rule RUN-1 {{ {HEAD}\n{loops}\n  assert true message "m" }}\n'
    findings, seconds = _run(text)
    _stopped(findings, "RUN-1", 2)
    assert seconds < 10


def test_text_doubled_by_let_is_stopped():
    lets = "\n".join(f"  let s{i + 1} = s{i} + s{i}" for i in range(60))
    text = FINE + f'rule RUN-2 {{ {HEAD}\n  let s0 = "ab"\n{lets}\n  assert true message "m" }}\n'
    findings, seconds = _run(text)
    _stopped(findings, "RUN-2", 2)
    assert seconds < 5


def test_lists_doubled_in_a_comprehension_are_stopped():
    lets = "\n".join(f"  let l{i + 1} = [y for y in l{i} + l{i}]" for i in range(60))
    text = FINE + f'rule RUN-3 {{ {HEAD}\n  let l0 = items\n{lets}\n  assert true message "m" }}\n'
    findings, seconds = _run(text)
    _stopped(findings, "RUN-3", 2)
    assert seconds < 5


def test_definitions_in_a_loop_spend_their_size():
    defs = "def f1(x) = x + x\n" + "".join(f"def f{i + 1}(x) = f{i}(x) + f{i}(x)\n" for i in range(1, 12))
    text = (
        defs
        + FINE
        + f'rule RUN-4 {{ {HEAD}\n  for a in items for b in items\n  assert f12(a.n) > 0 message "m" }}\n'
    )
    findings, seconds = _run(text)
    _stopped(findings, "RUN-4", 14)
    assert seconds < 10


def test_definitions_that_double_are_refused_statically():
    defs = "def e0(x) = x\n" + "".join(f"def e{i + 1}(x) = e{i}(x) + e{i}(x)\n" for i in range(40))
    text = defs + f'rule RUN-5 {{ {HEAD} assert e40(1) > 0 message "m" }}\n'
    start = time.perf_counter()
    _, problems = build([parse_rules(text, "t.rules")], None)
    assert time.perf_counter() - start < 5
    assert len(problems) == 1  # at the first that is too large, not again at each that calls it
    assert re.match(r"t\.rules:\d+:1: definition 'e\d+' expands to more than 100,000 operations", problems[0])


# --- clear messages: syntax inside a message hole, nesting --------------------------------------
def test_a_syntax_error_inside_a_message_hole_is_a_syntax_error():
    text = f'rule M-1 {{ {HEAD}\n  assert true\n  message "{{x[1:]}}" }}\n'
    with pytest.raises(RuleSyntaxError) as info:
        parse_rules(text, "t.rules")
    assert info.value.render().startswith("t.rules:3:13: syntax error: in {x[1:]}")


def test_a_statement_given_twice_is_a_syntax_error_not_a_visit_error():
    with pytest.raises(RuleSyntaxError, match="'title' is given twice"):
        parse_rules(f'rule M-2 {{ {HEAD} title "again" assert true message "m" }}', "t.rules")


def test_a_message_hole_error_reaches_the_command_line_as_one_message(tmp_path: Path):
    (tmp_path / "m.rules").write_text(f'rule M-1 {{ {HEAD}\n assert true message "{{x[1:]}}" }}\n')
    result = run_cli("check", "--no-config", "--rules", str(tmp_path / "m.rules"), str(SAMPLE))
    assert result.returncode == 2
    assert "m.rules:2:24: syntax error: in {x[1:]}" in result.stderr
    assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    "expression",
    [
        "not " * 1000 + "true",
        "- " * 1000 + "1",
        "[" * 1000 + "]" * 1000,
        "if true then " * 1000 + "1" + " else 2" * 1000,
        "a" + ".b" * 1000,
        " + ".join(["1"] * 10_000),
        "x" + "[1]" * 1000,
    ],
)
def test_deep_nesting_in_rule_text_is_refused_at_its_place(expression):
    text = f'rule N-1 {{ {HEAD}\n  assert {expression} == 1 message "m" }}\n'
    with pytest.raises(RuleSyntaxError) as info:
        parse_rules(text, "t.rules")
    assert "expressions nest more than 100 deep" in info.value.message
    assert info.value.line == 2


def test_deep_nesting_inside_a_message_hole_is_refused():
    text = f'rule N-2 {{ {HEAD}\n  assert true message "{{{"not " * 500}true}}" }}\n'
    with pytest.raises(RuleSyntaxError, match="nest more than 100 deep"):
        parse_rules(text, "t.rules")


def test_definitions_that_nest_deeply_together_are_one_problem_each():
    body = "- " * 95 + "{call}"
    defs = "".join(f"def d{i}(x) = {body.format(call=f'd{i + 1}(x)')}\n" for i in range(30))
    text = defs + f'def d30(x) = x\nrule N-3 {{ {HEAD} assert d0(1) == 1 message "m" }}\n'
    _, problems = build([parse_rules(text, "t.rules")], None)
    assert problems  # too deep for one Python stack: a message, not a RecursionError
    assert all("nests too deeply" in p for p in problems)


def test_deep_expressions_on_the_command_line_are_refused():
    result = run_cli("eval", "not " * 1000 + "true")
    assert result.returncode == 2
    assert "nest more than 100 deep" in result.stderr
    assert "internal error" not in result.stderr


def test_a_rule_nested_past_pythons_limits_is_a_problem_at_its_line_not_an_internal_error(tmp_path: Path):
    # 99 conditions within conditions: within the parser's nesting limit, past Python's 100 levels
    # of indentation once generated (bench/fuzz.py found it)
    deep = "if true then " * 99 + "1" + " else 2" * 99
    (tmp_path / "d.rules").write_text(
        f"rule DEEP-1 {{ {HEAD}\n assert {deep} == 1 message 'm' }}\n"
        f"rule OK-1 {{ {HEAD}\n assert false message 'ok' }}\n",
        encoding="utf-8",
    )
    rules = str(tmp_path / "d.rules")
    result = run_cli("check", "--no-config", "--no-builtin-rules", "--rules", rules, str(SAMPLE))
    assert result.returncode == 2
    assert "d.rules:1:6: rule DEEP-1 nests too deeply for Python" in result.stderr
    assert "internal error" not in result.stderr
