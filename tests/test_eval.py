"""`budgetlint eval`: an expression's value over a document, as a rule sees it, for rule authors."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from budgetlint.dsl.values import RuleTypeError, equal, spelled
from budgetlint.rulebook import RulebookError
from tests.conftest import ROOT
from tests.conftest import run_cli as run
from tests.test_docs_examples import EXPR_LINES


def test_prints_the_value_over_the_seed_by_default(sample_data):
    proc = run("eval", "sum(tables.revenue.rows.total)")
    assert proc.returncode == 0, proc.stderr
    assert Decimal(proc.stdout.strip()) == sum(r["total"] for r in sample_data["tables"]["revenue"]["rows"])


def test_the_rulebook_definitions_are_there(sample_data):
    proc = run("eval", "functional_tables()[0].title")
    assert proc.stdout.strip() == json.dumps(sample_data["tables"]["revenue"]["title"], ensure_ascii=False)


def test_a_named_document_and_stdin(tmp_path):
    doc = tmp_path / "unit.json"
    doc.write_text('{"entity": {"name": "某单位"}}', encoding="utf-8")
    assert run("eval", "entity.name", str(doc)).stdout == '"某单位"\n'
    assert run("eval", "entity.name", "-", stdin='{"entity": {"name": "乙单位"}}').stdout == '"乙单位"\n'


def test_definitions_of_extra_rule_files(tmp_path):
    (tmp_path / "mine.rules").write_text("def twice(x) = x * 2\n", encoding="utf-8")
    proc = run("eval", "twice(count(performance_goals))", "--rules", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "14"


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("narative.revenue", "<expression>:1:1: unbound name 'narative'; did you mean 'narrative'?"),
        ("tables.revenue.rows.totl", "the schema has no field 'totl'"),
        ("sum(1, 2, 3) + nosuch(1)", "unknown function 'nosuch'"),
        ("sum(tables.revenue.rows.total", "<expression>:1:30: syntax error: the expression ends too early"),
        ('1 + "a"', "<expression>: error: '+' needs a number, got string a"),
    ],
)
def test_mistakes_are_one_clear_message_and_exit_2(expression, message):
    proc = run("eval", expression)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_syntax_error_shows_the_expression_and_a_caret():
    lines = run("eval", "a = 1").stderr.splitlines()
    assert lines[0].startswith("<expression>:1:3: syntax error: '=' is not a comparison")
    assert lines[1:] == ["    a = 1", "      ^"]


def test_a_document_that_cannot_be_read():
    proc = run("eval", "1", "no-such.json")
    assert proc.returncode == 2 and "no-such.json: error: no such file" in proc.stderr


def test_evaluating_leaves_the_rulebook_as_it_was(rulebook, sample_data):
    with pytest.raises(RulebookError):
        rulebook.evaluate("nosuch(1)", sample_data)
    assert rulebook.compiler.errors == []
    assert rulebook.evaluate("count(performance_goals)", sample_data) == len(sample_data["performance_goals"])
    with pytest.raises(RuleTypeError):
        rulebook.evaluate("-'x'", sample_data)


@pytest.mark.parametrize("line", [line for line in EXPR_LINES if "# =>" in line])
def test_the_printed_value_reads_back_as_the_same_value(line, rulebook, sample_data):
    """What `eval` prints is the rule language's spelling: read back, it is the value again."""
    value = rulebook.evaluate(line.split("#", 1)[0].strip(), sample_data)
    again = rulebook.evaluate(spelled(value), {})
    assert equal(again, value) or again == value, spelled(value)


def test_every_command_is_in_the_readme_table():
    from budgetlint.cli import COMMAND_MODULES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [c for c in COMMAND_MODULES if not re.search(rf"^\| `budgetlint {c}\b", readme, re.M)] == []
