"""Output formats pinned by golden files; SARIF validated against the official schema, JUnit parsed.

Regenerate the goldens with `BUDGETLINT_UPDATE_GOLDEN=1 python -m pytest tests/test_report_formats.py`.
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET

import pytest

from budgetlint import __version__
from tests.conftest import ROOT
from tests.conftest import run_cli as run

GOLDEN = ROOT / "tests" / "golden"
FIXTURES = ROOT / "tests" / "fixtures"
# the OASIS SARIF 2.1.0 schema, kept in the repository so that the validation tests always run
SARIF_SCHEMA = ROOT / "tests" / "specs" / "sarif-schema-2.1.0.json"
# the fixture rules and documents, never the built-in rulebook: goldens must not move when it grows
GOLDEN_ARGS = (
    "--no-config",
    "--no-builtin-rules",
    "--rules",
    "tests/fixtures/rules",
    "--waivers",
    "tests/fixtures/budgetlint-waivers.yaml",
    "tests/fixtures/docs",
)


def normalized(text: str) -> str:
    """Tool version and the checkout's place out, so that neither breaks the goldens."""
    root = ROOT.resolve().as_uri().rstrip("/") + "/"
    text = text.replace(f'"{__version__}"', '"<version>"').replace(f'"{root}"', '"file:///<root>/"')
    return re.sub(r' time="[0-9.]+"', ' time="<time>"', text)  # JUnit's seconds


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("BUDGETLINT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with BUDGETLINT_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_golden(fmt):
    proc = run("check", "--format", fmt, *GOLDEN_ARGS)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    check_golden(f"{fmt}.txt", normalized(proc.stdout))


def test_goldens_use_relative_paths():
    for path in GOLDEN.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert str(ROOT) not in text, path


def test_sarif_validates_against_the_official_schema():
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    proc = run("check", "--format", "sarif", *GOLDEN_ARGS)
    sarif = json.loads(proc.stdout)
    jsonschema.validate(sarif, schema)
    run_ = sarif["runs"][0]
    rules = {r["id"]: r for r in run_["tool"]["driver"]["rules"]}
    assert rules["FIX-01"]["shortDescription"]["text"] == "财政拨款支出各项占比合计应为100%"
    assert rules["FIX-01"]["properties"]["basis"] == "测试用规则（tests/fixtures）"
    assert "各项占比之和" in rules["FIX-01"]["help"]["text"]
    by_rule = {r["ruleId"]: r for r in run_["results"]}
    fix01 = by_rule["FIX-01"]
    assert fix01["level"] == "error"
    loc = fix01["locations"][0]
    assert loc["physicalLocation"]["region"] == {"startLine": 231, "startColumn": 7}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "/narrative/fiscal_appropriation/items"
    waived = [r for r in run_["results"] if "suppressions" in r]
    assert len(waived) == 1 and waived[0]["suppressions"][0]["justification"].startswith("该项本年")


def test_sarif_of_the_seed_with_the_builtin_rulebook_validates(tmp_path):
    import jsonschema

    proc = run("check", "--no-config", "--format", "sarif", "samples/xunwu-2023-social-insurance.json")
    assert proc.returncode in (0, 1), proc.stderr
    jsonschema.validate(json.loads(proc.stdout), json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))


def test_junit_is_well_formed_one_suite_per_file_one_case_per_rule():
    proc = run("check", "--format", "junit", *GOLDEN_ARGS)
    root = ET.fromstring(proc.stdout)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [
        "tests/fixtures/docs/unit-a.json",
        "tests/fixtures/docs/unit-b.json",
    ]
    cases = {c.get("name"): c for c in suites[0].findall("testcase")}
    assert set(cases) == {"FIX-01", "FIX-02", "FIX-03", "schema"}
    assert cases["FIX-01"].find("failure") is not None
    assert cases["FIX-02"].find("failure") is None  # a warning does not fail under fail-on error
    assert suites[0].get("failures") == "1" and suites[1].get("failures") == "0"
    # the totals and times CI dashboards read (issue 16, item 8)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("8", "1", "0")
    assert float(root.get("time")) >= 0 and all(float(s.get("time")) >= 0 for s in suites)


def test_junit_failures_follow_fail_on():
    proc = run("check", "--format", "junit", "--fail-on", "warning", *GOLDEN_ARGS)
    suite = ET.fromstring(proc.stdout).find("testsuite")
    failure = next(c for c in suite.findall("testcase") if c.get("name") == "FIX-02").find("failure")
    assert (
        failure is not None and "-1 万元" in failure.text and "0 万元" not in failure.text.replace("-1", "")
    )


def test_github_escapes_properties_and_data():
    from budgetlint.report.github import escape_data, escape_property

    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    assert escape_data("50%\nnext") == "50%25%0Anext"


def test_text_colour_only_when_asked_or_on_a_terminal():
    plain = run("check", "--format", "text", *GOLDEN_ARGS)
    assert "\x1b[" not in plain.stdout  # a pipe is not a terminal
    coloured = run("check", "--color", "always", *GOLDEN_ARGS)
    assert "\x1b[31merror\x1b[0m FIX-01" in coloured.stdout


def test_output_file(tmp_path):
    target = tmp_path / "report.sarif"
    proc = run("check", "--format", "sarif", "-o", str(target), *GOLDEN_ARGS)
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_statistics_counts_per_rule():
    proc = run("check", "--statistics", "--fail-on", "info", *GOLDEN_ARGS)
    lines = proc.stdout.splitlines()
    assert lines[-1].startswith("Found 3 problems")
    stats = [line.split() for line in lines[-4:-1]]
    assert [(s[0], s[1]) for s in stats] == [("1", "FIX-01"), ("1", "FIX-02"), ("1", "FIX-03")]
    as_json = json.loads(run("check", "--format", "json", "--statistics", *GOLDEN_ARGS).stdout)
    assert as_json["summary"]["by_rule"] == {"FIX-01": 1, "FIX-02": 1, "FIX-03": 1}
