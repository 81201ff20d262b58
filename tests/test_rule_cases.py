"""Every rule test case under rules/ (*.cases.yaml) as a pytest test, plus coverage of the rulebook."""

from __future__ import annotations

import pytest

from budgetlint.cases import case_files, load_cases, run_case
from budgetlint.resources import rules_dir
from tests.conftest import ROOT

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


def _case_file(tmp_path, expect_line: str):
    seed = ROOT / "samples" / "xunwu-2023-social-insurance.json"
    path = tmp_path / "m.cases.yaml"
    path.write_text(
        f"- name: the seed's 三公 rate\n  rule: YOY-01\n  sample: {seed}\n  expect:\n    - {expect_line}\n",
        encoding="utf-8",
    )
    return load_cases(path)[0]


def test_an_expected_message_text_is_checked(tmp_path, rulebook):
    pointer = "/narrative/three_public/total/change/pct"
    right = _case_file(tmp_path, f'{{rule: YOY-01, pointer: {pointer}, message: "1.6 ÷ 3.6 = 44.4444%"}}')
    assert run_case(right, rulebook).passed
    wrong = _case_file(tmp_path, f'{{rule: YOY-01, pointer: {pointer}, message: "1.6 ÷ 3.6 = 45%"}}')
    result = run_case(wrong, rulebook)
    assert not result.passed
    assert "does not contain '1.6 ÷ 3.6 = 45%'" in result.problem and "44.4444%" in result.problem


def test_a_text_the_message_must_lack_is_checked(tmp_path, rulebook):
    pointer = "/narrative/three_public/total/change/pct"
    right = _case_file(tmp_path, f'{{rule: YOY-01, pointer: {pointer}, message_lacks: "45.0000%"}}')
    assert run_case(right, rulebook).passed
    wrong = _case_file(tmp_path, f'{{rule: YOY-01, pointer: {pointer}, message_lacks: "44.4444%"}}')
    result = run_case(wrong, rulebook)
    assert not result.passed
    assert "contains '44.4444%'" in result.problem and "1.6 ÷ 3.6" in result.problem
    texts = 'message: "44.4444%", message_lacks: "45.0000%"'
    both = _case_file(tmp_path, f"{{rule: YOY-01, pointer: {pointer}, {texts}}}")
    assert run_case(both, rulebook).passed


def test_a_message_that_is_not_text_is_refused(tmp_path):
    from budgetlint.cases import CaseError

    with pytest.raises(CaseError, match="'message' is a text"):
        _case_file(tmp_path, "{rule: YOY-01, pointer: /x, message: 45}")


def test_a_text_to_lack_that_is_not_text_is_refused(tmp_path):
    from budgetlint.cases import CaseError

    with pytest.raises(CaseError, match="'message_lacks' is a text"):
        _case_file(tmp_path, "{rule: YOY-01, pointer: /x, message_lacks: 45}")
