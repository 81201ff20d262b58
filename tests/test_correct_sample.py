"""A correct document yields no finding: the correct samples in samples/.

- samples/correct-department-2024.json: a county bureau with two subordinate units, general-budget,
  government-fund and state-capital money, carry-over, 事业收入, non-zero 三公 with all items.
- samples/correct-unit-2024.yaml: a single 参照公务员法管理 unit (单位预算, profile jiangxi-2024),
  written in YAML: general-budget money only, no carry-over, zero 三公 this year and last, no
  vehicles, and the government-fund, state-capital and 三公 tables published empty with their notes.

Both are synthetic and consistent by construction: every figure agrees across the tables and the
narrative. Any finding on them is a false alarm of a rule (fix the rule, or the sample if it is
wrong): the test allows none. (The list of known false alarms it used to keep is gone with the last
of them; its check that each listed alarm still occurred could no longer fail.)
"""

from __future__ import annotations

import json

import pytest

from budgetlint.engine import check_document
from budgetlint.loader import load_path
from tests.conftest import ROOT, run_cli

DEPARTMENT = "samples/correct-department-2024.json"
UNIT = "samples/correct-unit-2024.yaml"
SAMPLES = [DEPARTMENT, UNIT]


@pytest.fixture(scope="module", params=SAMPLES)
def sample(request):
    return request.param


@pytest.fixture(scope="module")
def findings(sample, rulebook):
    # load_path is what `budgetlint check FILE` reads a file with: JSON or YAML by the file's suffix
    return check_document(load_path(ROOT / sample, sample), rulebook)


def test_the_correct_sample_fits_the_schema(findings):
    assert [f.message for f in findings if f.rule == "schema"] == []


def test_no_finding(sample, findings):
    got = {(f.rule, f.pointer, f.severity): f.message for f in findings}
    assert not got, f"a finding on a correct document (fix the rule, or the sample if it is wrong): {got}"


def test_the_unit_sample_is_read_as_yaml():
    doc = load_path(ROOT / UNIT)
    assert doc.syntax == "yaml"
    # numbers are exact decimals with their printed places, codes and dates stay text
    assert str(doc.data["narrative"]["fiscal_appropriation"]["items"][0]["share_pct"]) == "1.22"
    assert doc.data["tables"]["expenditure"]["rows"][0]["code"] == "208"
    assert doc.data["publication"]["approved_on"] == "2024-02-06"


def test_budgetlint_check_reports_on_the_yaml_sample_what_the_engine_does():
    """The command users run, on the YAML file: the same findings as the engine's above."""
    result = run_cli("check", "--no-config", "--format", "json", "--fail-on", "error", UNIT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    got = {(f["rule"], f["pointer"], f["severity"]) for f in report["findings"]}
    assert got == set()


def test_a_finding_on_the_yaml_sample_points_at_its_yaml_line(tmp_path):
    text = (ROOT / UNIT).read_text(encoding="utf-8")
    wrong = "{name: 行政单位离退休, amount: 2.40, share_pct: 1.22}"
    assert text.count(wrong) == 1
    broken = tmp_path / "unit.yaml"
    broken.write_text(text.replace(wrong, wrong.replace("1.22", "1.23")), encoding="utf-8")
    result = run_cli("check", "--no-config", "--format", "json", "--select", "PCT-01", str(broken))
    [finding] = json.loads(result.stdout)["findings"]
    line = text[: text.index(wrong)].count("\n") + 1
    assert (finding["rule"], finding["line"]) == ("PCT-01", line)
