"""Issue 13 (acceptance): a case file can set the settings and the profile a case runs under —
`profile: NAME` selects the rules under test as `check --profile NAME` does, and
`settings: {rounding_per_item: …}` is what the rules read through setting("rounding_per_item")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli

RULES = """\
rule TOL-01 {
  title "占比合计在容差内为100%"
  title_en "Shares add up to 100% within the run's rounding allowance"
  severity warning
  basis "测试用规则"
  let items = narrative.fiscal_appropriation.items
  assert sum(items.share_pct) == 100 ± setting("rounding_per_item") * count(items)
  at narrative.fiscal_appropriation.items
  message "占比合计为 {sum(items.share_pct)}%"
}

rule JX-01 {
  title "仅在江西口径下检查"
  title_en "Only under the jiangxi profile"
  severity info
  basis "测试用规则"
  profiles [jiangxi]
  assert false
  message "江西口径规则"
}
"""

# two shares 0.01 over: out of 2 × 0.005, within 2 × 0.01
SHARES = "{narrative: {fiscal_appropriation: {items: [{share_pct: 50.01}, {share_pct: 50.01}]}}}"
CASES = f"""\
- name: the default allowance finds the shares 0.02 over
  rule: TOL-01
  document: {SHARES}
  expect: [{{rule: TOL-01, pointer: /narrative/fiscal_appropriation/items}}]
- name: a wider allowance lets them pass
  rule: TOL-01
  document: {SHARES}
  settings: {{rounding_per_item: 0.01}}
  expect: []
- name: the allowance may be written as text
  rule: TOL-01
  document: {SHARES}
  settings: {{rounding_per_item: "0.01"}}
  expect: []
- name: a jiangxi rule does not apply under the national profile
  rule: JX-01
  document: {{profile: jiangxi-2023}}
  profile: national
  expect: []
- name: it applies under a year of its region
  rule: JX-01
  document: {{}}
  profile: jiangxi-2024
  expect: [{{rule: JX-01, pointer: ""}}]
- name: without a profile, the document's own
  rule: JX-01
  document: {{profile: jiangxi-2023}}
  expect: [{{rule: JX-01, pointer: ""}}]
- name: without a profile or one of the document's, national
  rule: JX-01
  document: {{}}
  expect: []
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "local.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "local.cases.yaml").write_text(CASES, encoding="utf-8")
    return tmp_path


def test_cases_run_under_their_profile_and_settings(folder: Path):
    from budgetlint.api import load_rulebook
    from budgetlint.cases import load_cases, run_case

    rulebook = load_rulebook([folder / "local.rules"], builtin=False)
    cases = load_cases(folder / "local.cases.yaml")
    assert cases[1].settings and cases[3].profile == "national"
    results = [run_case(case, rulebook) for case in cases]
    assert [(r.case.name, r.passed, r.problem) for r in results if not r.passed] == []


def test_the_setting_and_the_profile_change_the_outcome(folder: Path):
    """Flip each: the same case without its setting or profile fails."""
    from dataclasses import replace

    from budgetlint.api import load_rulebook
    from budgetlint.cases import load_cases, run_case

    rulebook = load_rulebook([folder / "local.rules"], builtin=False)
    cases = load_cases(folder / "local.cases.yaml")
    assert not run_case(replace(cases[1], settings=()), rulebook).passed
    assert not run_case(replace(cases[3], profile=None), rulebook).passed
    assert not run_case(replace(cases[4], profile="national"), rulebook).passed


def test_budgetlint_test_runs_them(folder: Path):
    proc = run_cli("test", "--no-config", "--no-builtin-rules", str(folder), cwd=folder)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "7 passed, 0 failed"


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ("  profile: mars\n", "'profile' 'mars' is not one of"),
        ("  settings: {rounding_per_item: -1}\n", "'rounding_per_item' is a number ≥ 0"),
        ("  settings: {rounding_per_item: 1e400}\n", "not a budget figure"),
        ("  settings: {rounding_per_item: abc}\n", "'rounding_per_item' is a number ≥ 0"),
        ("  settings: {tolerance: 0.01}\n", "unknown setting 'tolerance'"),
    ],
)
def test_a_bad_profile_or_setting_is_placed(folder: Path, extra, fragment):
    path = folder / "local.cases.yaml"
    path.write_text("- name: x\n  rule: TOL-01\n  document: {}\n  expect: []\n" + extra, encoding="utf-8")
    proc = run_cli("test", "--no-config", "--no-builtin-rules", str(path), cwd=folder)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{path}:5:"), proc.stderr
    assert fragment in proc.stderr
