"""A value of the wrong kind anywhere in a document never crashes a rule (bench/type_robustness.py
tries every place of the seed; this test a spread-out sample of them)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from typefuzz import crashes, places, replaced

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.values import RuleTypeError
from budgetlint.engine import check_document
from budgetlint.loader import Document

EVERY = 89  # about 27 places of the seed's 2 400, each with every substitute: a few seconds


def test_wrong_kinds_of_values_never_crash_a_rule(sample_data, rulebook):
    assert list(crashes(sample_data, rulebook, every=EVERY)) == []


def test_the_places_sampled_reach_tables_narrative_and_goals(sample_data):
    tops = {path[0] for path in list(places(sample_data))[::EVERY]}
    assert {"tables", "narrative", "performance_goals"} <= tops


def test_a_code_of_the_wrong_kind_is_a_schema_finding_not_a_crash(sample_data, rulebook):
    # Found by the sweep: children() measured len() of a number.
    data = replaced(sample_data, ("tables", "revenue", "rows", 1, "code"), Decimal(1))
    doc = Document.in_memory("d.json", data)
    findings = check_document(doc, rulebook)
    assert [f.pointer for f in findings if f.rule == "schema"] == ["/tables/revenue/rows/1/code"]
    assert not [f for f in findings if f.rule == "rule-error"]


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("set([x])", "set() holds numbers and text only, got object"),
        ("{1} | [[1]]", "'|' holds numbers and text only, got list"),
        ("{1} - [x]", "set difference holds numbers and text only, got object"),
        ("sorted([1, 'a'])", "sorted() needs all numbers or all text, got number and string"),
        ("sorted([x])", "sorted() needs all numbers or all text, got object"),
        ("{1, x}", "a set holds numbers and text only, got object"),
    ],
)
def test_sets_and_sorting_of_objects_are_rule_type_errors(expression, fragment):
    with pytest.raises(RuleTypeError, match=re.escape(fragment)):
        evaluate(expression, {"x": {}})


@pytest.mark.parametrize(
    ("expression", "value"),
    [("[1] in {1}", False), ("{1} == [[1]]", False), ("[1] in x", False), ("'a' in x", True)],
)
def test_membership_and_equality_with_unhashable_values_are_answers(expression, value):
    assert evaluate(expression, {"x": {"a": 1}}) is value


def test_a_rule_that_fails_unexpectedly_becomes_a_rule_error_and_the_others_still_run(rulebook):
    from budgetlint.engine import rule_findings

    class Broken:
        info = rulebook.rules[0].info

        def run(self, *args):
            raise ValueError("boom")

    class Book:
        rules = (Broken(), *rulebook.rules[1:3])

    doc = Document.in_memory("d.json", {"fiscal_year": Decimal(2023)})
    [finding] = [f for f in rule_findings(doc, Book()) if f.rule == "rule-error"]
    assert finding.file == Broken.info.file and finding.line == Broken.info.line
    assert "internal error ValueError: boom" in finding.message and "please report" in finding.message
    assert not [f for f in rule_findings(doc, Book(), report_rule_errors=False) if f.rule == "rule-error"]
