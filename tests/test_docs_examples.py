"""Every example of docs/rule-language.md parses, passes the static check, and evaluates as shown."""

from __future__ import annotations

import re

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.parser import parse_rules
from budgetlint.dsl.values import equal
from budgetlint.rulebook import build
from budgetlint.schema import load_schema
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "rule-language.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(rules|expr|cases)\n(.*?)```", DOC, re.S)
RULE_BLOCKS = [body for kind, body in BLOCKS if kind == "rules"]
EXPR_LINES = [
    line.strip() for kind, body in BLOCKS if kind == "expr" for line in body.splitlines() if line.strip()
]


def test_the_reference_has_examples():
    assert len(RULE_BLOCKS) >= 2 and len(EXPR_LINES) >= 60


# a `cases` block: the cases of the `rules` block just before it
CASE_BLOCKS = [(BLOCKS[i - 1][1], body) for i, (kind, body) in enumerate(BLOCKS) if kind == "cases"]


def _common():
    from budgetlint.resources import rules_dir

    path = rules_dir() / "_common.rules"
    return parse_rules(path.read_text(encoding="utf-8"), str(path))


@pytest.mark.parametrize("source", RULE_BLOCKS)
def test_rule_examples_parse_and_check(source):
    # beside rules/_common.rules, which an example may import from
    _, problems = build([_common(), parse_rules(source, "doc.rules")], load_schema())
    assert problems == []


@pytest.mark.parametrize(("source", "cases"), CASE_BLOCKS)
def test_case_examples_pass(source, cases, tmp_path):
    from budgetlint.cases import load_cases, run_case
    from budgetlint.rulebook import Rulebook

    assert CASE_BLOCKS, "the walkthrough's cases are run"
    rules, problems = build([_common(), parse_rules(source, "doc.rules")], load_schema())
    assert problems == []
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "samples").symlink_to(ROOT / "samples")
    case_file = tmp_path / "my-rules" / "doc.cases.yaml"
    case_file.write_text(cases, encoding="utf-8")
    rulebook = Rulebook(tuple(rules), ("doc.rules",))
    loaded = load_cases(case_file)
    assert any(c.failing for c in loaded) and any(not c.failing for c in loaded)
    for case in loaded:
        result = run_case(case, rulebook)
        assert result.passed, f"{case.name}: {result.problem or result.got}"


@pytest.mark.parametrize("line", EXPR_LINES)
def test_expression_examples(line, sample_data):
    expr = line.split("#", 1)[0].strip()
    value = evaluate(expr, sample_data)
    if "# =>" in line:
        expected = evaluate(line.rsplit("# =>", 1)[1].strip(), {})
        assert equal(value, expected) or value == expected, f"{expr} gave {value!r}"


def test_every_builtin_has_an_example():
    from budgetlint.dsl.functions import BUILTINS

    examples = "\n".join([*RULE_BLOCKS, *EXPR_LINES])
    assert [n for n in BUILTINS if not re.search(rf"\b{n}\(", examples)] == []


def test_every_statement_has_an_example():
    from budgetlint.dsl.syntax_errors import STATEMENT_KEYWORDS

    examples = "\n".join(RULE_BLOCKS)
    assert [k for k in STATEMENT_KEYWORDS if not re.search(rf"^\s*{k}\b", examples, re.M)] == []
