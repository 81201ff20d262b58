"""Every rule test case under rules/ (*.cases.yaml) as a pytest test, plus coverage of the rulebook."""

from __future__ import annotations

import pytest

from budgetlint.cases import case_files, load_cases, run_case
from budgetlint.resources import rules_dir

CASES = [case for path in case_files([rules_dir()]) for case in load_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[c.id.split("rules/")[-1] for c in CASES])
def test_rule_case(case, rulebook):
    result = run_case(case, rulebook)
    assert result.passed, f"{result.problem}: expected {case.expect or case.expect_new}, got {result.got}"


def test_every_rule_has_a_failing_and_a_passing_case(rulebook):
    failing = {r for c in CASES if c.failing for r in c.rules}
    passing = {r for c in CASES if not c.failing for r in c.rules}
    ids = {r.info.id for r in rulebook.rules}
    assert ids - failing == set(), "rules without a failing case"
    assert ids - passing == set(), "rules without a passing case"


def test_a_wrong_expectation_fails(rulebook):
    """The case runner itself must be able to fail: flip one expectation and it must."""
    case = next(c for c in CASES if c.expect)
    wrong = type(case)(**{**case.__dict__, "expect": ()})
    assert not run_case(wrong, rulebook).passed
