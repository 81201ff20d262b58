"""Issue 16, item 9: the config, waivers and case files are validated by JSON Schemas
(budgetlint/schema/*.schema.json) through the validator documents use, and a bad one is reported as
a document's problem is — `file:line:col: error: message`, exit 2, one line, never a traceback."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from budgetlint.schema.inputs import KINDS, load_input_schema, problems, schema_file
from tests.conftest import ROOT, SAMPLE, run_cli

FIXTURES = ROOT / "tests" / "fixtures"


def _one_clear_line(result, start: str, fragment: str = "") -> str:
    assert result.returncode == 2, result.stdout + result.stderr
    err = result.stderr.strip()
    assert "Traceback" not in err and "internal error" not in err, err
    assert len(err.splitlines()) == 1, err
    assert err.startswith(start), err
    assert fragment in err, err
    return err


@pytest.mark.parametrize("kind", KINDS)
def test_each_input_schema_is_a_valid_draft_2020_12_schema(kind):
    from jsonschema import Draft202012Validator

    assert schema_file(kind).is_file()
    Draft202012Validator.check_schema(load_input_schema(kind))


def test_the_validators_agree_on_the_problems():
    """jsonschema-rs, and python-jsonschema where it is missing, give the same problems."""
    from budgetlint.schema import inputs

    bad = {
        "waivers": [{"document": "a", "rule": "R", "approver": 1, "expires": "31/12/2025"}, 5],
        "config": {"fail_on": "x", "select": [["A"]], "severity": {"P": "fatal"}, "tolerance": True},
        "cases": [{"name": "x", "rule": "A", "expect": [{"rule": "Y", "message": 45}], "settings": []}],
        "baseline": {
            "format": "budgetlint-baseline",
            "version": Decimal(1),
            "findings": [{"file": "a", "rule": "R", "hash": 5, "count": Decimal("1.5")}, 7, {"id": "x"}],
            "extra": None,
        },
    }
    for kind, data in bad.items():
        fast = sorted(inputs.problems(kind, data))
        inputs._fast.cache_clear()
        real = inputs._fast
        inputs._fast = lambda kind: None
        try:
            reference = sorted(inputs.problems(kind, data))
        finally:
            inputs._fast = real
        assert fast == reference and fast, kind


# --- the config (TOML: the key's line found in the text) ---------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "start", "fragment"),
    [
        (
            "budgetlint.toml",
            "profile = 'national'\nfail_on = 'error'\n",
            ":2:1: error: fail_on",
            "did you mean",
        ),
        ("budgetlint.toml", "builtin-rules = 'no'\n", ":1:1: error: builtin-rules", "expected true or false"),
        ("budgetlint.toml", "lang = 'fr'\n", ":1:1: error: lang", "'fr' is not one of zh, en"),
        ("budgetlint.toml", "select = ['PCT',\n  '']\n", ":1:1: error: select[1]", "non-empty strings"),
        ("budgetlint.toml", "[severity]\n'PCT' = 'loud'\n", ':2:1: error: severity."PCT"', "not one of"),
        (
            "pyproject.toml",
            "[project]\nname = 'x'\n\n[tool.budgetlint]\nwaivers = 3\n",
            ":5:1: error: tool.budgetlint.waivers",
            "expected a path",
        ),
        (
            "pyproject.toml",
            "[tool.budgetlint]\nexclude = 'vendor'\n\n[tool.budgetlint.severity]\nPERF-04 = 1\n",
            ':5:1: error: tool.budgetlint.severity."PERF-04"',
            "not one of",
        ),
        ("budgetlint.toml", "tolerance = 'abc'\n", ":1:1: error: tolerance", "'abc' is not a number"),
    ],
)
def test_a_bad_config_is_placed_at_its_key(tmp_path: Path, name, text, start, fragment):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _one_clear_line(run_cli("check", str(SAMPLE), cwd=tmp_path), str(path) + start, fragment)


def test_a_key_whose_line_is_not_found_names_the_file():
    from budgetlint.config import ConfigError, parse_table

    with pytest.raises(ConfigError) as info:
        parse_table({"lang": "fr"}, Path("made.toml"), text=None)  # no text: no line to find
    assert info.value.render() == "made.toml: error: lang: 'fr' is not one of zh, en"


def test_the_api_gives_the_config_problem_as_a_positioned_diagnostic(tmp_path: Path):
    from budgetlint.api import BudgetlintError, Run

    (tmp_path / "budgetlint.toml").write_text("# mine\nfail-on = 'fatal'\n", encoding="utf-8")
    with pytest.raises(BudgetlintError) as info:
        Run.from_project(start=tmp_path)
    [d] = info.value.diagnostics
    assert (d.file, d.line, d.column, d.rule) == (str(tmp_path / "budgetlint.toml"), 2, 1, "config")
    assert d.message == "fail-on: 'fatal' is not one of error, warning, info"


# --- waivers (YAML or JSON: positions as a document's) -------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "start", "fragment"),
    [
        (
            "w.yaml",
            "- document: a.json\n  rule: R\n  reason: ''\n",
            ":3:3: error: waiver 1:",
            "'reason' is required",
        ),
        (
            "w.yaml",
            "waivers:\n  - {document: a.json, rule: 5, reason: r}\n",
            ":2:24: error: waiver 1:",
            "'rule'",
        ),
        (
            "w.yaml",
            "- document: a.json\n  rule: R\n  reason: r\n  pointer: narrative\n",
            ":4:3:",
            "JSON Pointer",
        ),
        (
            "w.yaml",
            "- document: a.json\n  rule: R\n  reason: r\n  expires: 2025-13-45\n",
            ":4:3:",
            "YYYY-MM-DD",
        ),
        ("w.yaml", "[]\n---\n[]\n", ":2:1: error:", "invalid YAML"),
        (
            "w.json",
            '[\n  {"document": "a.json", "rule": "R", "reason": "r"},\n'
            '  {"document": "b.json", "rule": "R"}\n]\n',
            ":3:3: error: waiver 2:",
            "'reason' is required",
        ),
        ("w.json", '{"waivers": [], "extra": 1}', ":1:17: error:", "a waivers file is a list"),
    ],
)
def test_a_bad_waivers_file_is_placed_at_its_entry_or_key(tmp_path: Path, name, text, start, fragment):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_cli("check", "--no-config", "--waivers", name, str(SAMPLE), cwd=tmp_path)
    _one_clear_line(result, name + start, fragment)


def test_the_api_gives_a_waivers_problem_as_a_diagnostic(tmp_path: Path):
    from budgetlint.api import BudgetlintError, Run
    from budgetlint.config import Config

    path = tmp_path / "w.yaml"
    path.write_text("- {document: a.json, rule: R, reason: r, by: me}\n", encoding="utf-8")
    with pytest.raises(BudgetlintError) as info:
        Run(Config(), waivers=path).check_file(SAMPLE)
    [d] = info.value.diagnostics
    assert (d.line, d.column, d.rule) == (1, 42, "waivers-file") and "unknown key 'by'" in d.message


# --- case files -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "fragment"),
    [
        (
            "- name: x\n  rule: FIX-01\n  document: {}\n  expected: []\n",
            ":4:3: error: case 1:",
            "unknown key 'expected'",
        ),
        ("- name: x\n  rule: FIX-01\n  expect: []\n", ":1:3: error: case 1:", "either 'sample'"),
        ("- name: x\n  rule: FIX-01\n  document: {}\n", ":1:3: error: case 1:", "'expect'"),
        (
            "- name: x\n  rule: FIX-01\n  document: {}\n  expect: [{pointer: /a}]\n",
            ":4:12: error: case 1:",
            "'rule'",
        ),
        (
            "- name: x\n  rule: FIX-01\n  document: {}\n  patch: [{op: mend, path: /a}]\n  expect: []\n",
            ":4:12: error: case 1:",
            "unknown patch op 'mend'",
        ),
        ("name: x\n", ":1:1: error:", "a case file is a list of cases"),
        ("- name: x\n  rule: FIX-01\n  document: {}\n  profile: mars\n  expect: []\n", ":4:3:", "'mars'"),
        (
            "- name: x\n  rule: FIX-01\n  document: {}\n  settings: {tolerance: 1}\n  expect: []\n",
            ":4:14:",
            "unknown setting",
        ),
    ],
)
def test_a_bad_case_file_is_placed_at_its_case_or_key(tmp_path: Path, text, start, fragment):
    path = tmp_path / "x.cases.yaml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "x.rules").write_text((FIXTURES / "rules" / "fixture.rules").read_text(encoding="utf-8"))
    result = run_cli("test", "--no-config", "--no-builtin-rules", str(path), cwd=tmp_path)
    _one_clear_line(result, str(path) + start, fragment)


def test_every_builtin_case_file_meets_its_schema():
    from budgetlint.resources import rules_dir
    from budgetlint.yamlload import load_yaml_text

    for path in sorted(rules_dir().glob("*.cases.yaml")):
        data, _ = load_yaml_text(path.read_text(encoding="utf-8"), str(path))
        assert problems("cases", data) == [], path


def test_the_schemas_are_json():
    for kind in KINDS:
        assert json.loads(schema_file(kind).read_text(encoding="utf-8"))["$schema"].endswith("2020-12/schema")


# --- baselines (JSON: positions as a document's) --------------------------------------------------

_HEAD = '{"format": "budgetlint-baseline", "version": 2, "findings": [\n'
_ENTRY = '  {"file": "a.json", "rule": "R", "id": "", "pointer": "", "hash": "h"'


@pytest.mark.parametrize(
    ("text", "start", "fragment"),
    [
        (
            _HEAD + _ENTRY + "},\n" + _ENTRY + ', "count": 0}\n]}',
            ":3:73: error: findings[1]:",
            "count must be",
        ),
        (
            _HEAD + _ENTRY + "},\n" + _ENTRY + ', "note": "x"}\n]}',
            ":3:73: error: findings[1]:",
            "unknown key 'note'",
        ),
        (
            _HEAD + '  {"file": "a.json", "rule": "R", "hash": "h"}\n]}',
            ":2:3: error: findings[0]:",
            "'id' is required",
        ),
        (
            _HEAD + '  {"file": 5, "rule": "R", "id": "", "hash": "h"}\n]}',
            ":2:4: error: findings[0]:",
            "'file' is text",
        ),
        (_HEAD + "  []\n]}", ":2:3: error: findings[0]:", "expected an entry"),
        (
            '{"format": "budgetlint-baseline", "version": 1, "findings": [\n'
            '  {"file": "a", "rule": "R", "id": "", "hash": "h"}]}',
            ":2:3: error: findings[0]:",
            "'pointer' is required (text): a version 1 entry",
        ),
        (
            '{"format": "budgetlint-baseline",\n "version": 2,\n "findings": {}}',
            ":3:2: error:",
            '"findings" must be a list',
        ),
        (
            '{"format": "budgetlint-baseline",\n "version": 2,\n "extra": 1}',
            ":3:2: error:",
            "unknown key 'extra'",
        ),
        # the format and the version are said first, whatever else is wrong
        ('{"extra": 1,\n "format": "sarif", "version": 2}', ":2:2: error:", "not a budgetlint baseline"),
        (
            '{"format": "budgetlint-baseline", "findings": [7],\n "version": 3}',
            ":2:2: error:",
            "version 3 is not supported",
        ),
        ("[]", ":1:1: error:", "not a budgetlint baseline"),
        (
            '{"format": "budgetlint-baseline", "version": 2, "version": 2}',
            ":1:49: error:",
            "duplicate key 'version'",
        ),
    ],
)
def test_a_bad_baseline_is_placed_at_its_entry_or_key(tmp_path: Path, text, start, fragment):
    (tmp_path / "b.json").write_text(text, encoding="utf-8")
    result = run_cli("check", "--no-config", "--baseline", "b.json", str(SAMPLE), cwd=tmp_path)
    _one_clear_line(result, "b.json" + start, fragment)


def test_the_api_gives_a_baseline_problem_as_a_diagnostic(tmp_path: Path):
    from budgetlint.api import BudgetlintError, Run
    from budgetlint.config import Config

    path = tmp_path / "b.json"
    path.write_text('{"format": "budgetlint-baseline",\n "version": 2,\n "findings": [{"file": 1}]}\n')
    with pytest.raises(BudgetlintError) as info:
        Run(Config(), baseline=path).check_file(SAMPLE)
    [d] = info.value.diagnostics
    assert (d.file, d.line, d.column) == (str(path), 3, 15) and d.message.startswith("findings[0]: ")


def test_a_written_baseline_meets_its_schema(tmp_path: Path):
    path = tmp_path / "b.json"
    assert run_cli("check", "--no-config", "--write-baseline", str(path), str(SAMPLE)).returncode == 0
    payload = json.loads(path.read_text(encoding="utf-8"), parse_int=Decimal)
    assert payload["findings"] and problems("baseline", payload) == []
