"""Configuration: budgetlint.toml / [tool.budgetlint], found by walking up; flags override it."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from budgetlint.config import Config, ConfigError, load_config, severity_for
from tests.test_report_formats import FIXTURES, run

EXTRA_RULES = """
rule CFG-01 {
  title "占比合计在容差内为100%"
  title_en "Shares add up to 100% within the configured tolerance"
  severity warning
  basis "测试用规则"
  tags [config-test]
  let items = narrative.fiscal_appropriation.items
  assert sum(items.share_pct) == 100 ± setting("rounding_per_item") * count(items)
  at narrative.fiscal_appropriation.items
  message "占比合计为 {sum(items.share_pct)}%"
}

rule CFG-02 {
  title "仅在江西口径下检查"
  title_en "Only under the jiangxi profile"
  severity info
  basis "测试用规则"
  profiles [jiangxi]
  assert false
  message "全国口径规则"
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with fixture rules, a defective document (shares add up to 101.00) and no config."""
    shutil.copytree(FIXTURES / "rules", tmp_path / "checks")
    (tmp_path / "checks" / "extra.rules").write_text(EXTRA_RULES, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    shutil.copy(FIXTURES / "docs" / "unit-a.json", tmp_path / "docs" / "unit-a.json")
    return tmp_path


def findings(proc) -> list[tuple[str, str]]:
    assert proc.returncode in (0, 1), proc.stderr
    return [(f["rule"], f["severity"]) for f in json.loads(proc.stdout)["findings"]]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_pyproject_table_is_found_from_a_subfolder(project):
    write(project / "pyproject.toml", '[tool.budgetlint]\nrules = ["checks"]\nbuiltin-rules = false\n')
    proc = run("check", "--format", "json", "unit-a.json", cwd=project / "docs")
    assert {r for r, _ in findings(proc)} == {"FIX-01", "FIX-02", "FIX-03", "CFG-01", "CFG-02"}


def test_budgetlint_toml_beats_a_pyproject_without_the_table(project):
    write(project / "pyproject.toml", '[project]\nname = "x"\n')
    write(project / "budgetlint.toml", 'rules = ["checks"]\nbuiltin-rules = false\nselect = ["FIX-01"]\n')
    assert findings(run("check", "--format", "json", "docs", cwd=project)) == [("FIX-01", "error")]


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ('["FIX-01"]', "[]", {"FIX-01"}),  # by id
        ('["FIX"]', '["FIX-03"]', {"FIX-01", "FIX-02"}),  # by prefix, minus an id
        ('["metadata"]', "[]", {"FIX-03"}),  # by tag
        ("[]", '["fixture", "CFG"]', set()),  # ignore by tag and prefix
    ],
)
def test_select_and_ignore_by_id_prefix_or_tag(project, select, ignore, expected):
    write(
        project / "budgetlint.toml",
        f'rules = ["checks"]\nbuiltin-rules = false\nselect = {select}\nignore = {ignore}\n',
    )
    assert {r for r, _ in findings(run("check", "--format", "json", "docs", cwd=project))} == expected


def test_severity_override_and_fail_on(project):
    write(
        project / "budgetlint.toml",
        'rules = ["checks"]\nbuiltin-rules = false\nselect = ["FIX-02", "FIX-03"]\nfail-on = "warning"\n'
        '[severity]\n"FIX-03" = "error"\n"fixture" = "info"\n',
    )
    proc = run("check", "--format", "json", "docs", cwd=project)
    assert sorted(findings(proc)) == [("FIX-02", "info"), ("FIX-02", "info"), ("FIX-03", "error")]
    assert proc.returncode == 1
    # flags override the file: --ignore drops the error, --fail-on error lets the infos pass
    proc = run("check", "--ignore", "FIX-03", "--fail-on", "error", "docs", cwd=project)
    assert proc.returncode == 0, proc.stdout
    proc = run("check", "--ignore", "FIX-03", "docs", cwd=project)
    assert proc.returncode == 0  # fail-on warning, but what is left is info


def test_tolerance_reaches_the_rules(project):
    base = 'rules = ["checks"]\nbuiltin-rules = false\nselect = ["CFG-01"]\n'
    write(project / "budgetlint.toml", base)
    assert findings(run("check", "--format", "json", "docs", cwd=project)) == [("CFG-01", "warning")]
    write(project / "budgetlint.toml", base + "tolerance = 0.1\n")  # 10 items × 0.1 ≥ 1.00 off
    assert findings(run("check", "--format", "json", "docs", cwd=project)) == []
    proc = run("check", "--format", "json", "--tolerance", "0.005", "docs", cwd=project)
    assert findings(proc) == [("CFG-01", "warning")]
    # --rounding-per-item: the setting's own name, an alias of --tolerance
    proc = run("check", "--format", "json", "--rounding-per-item", "0.005", "docs", cwd=project)
    assert findings(proc) == [("CFG-01", "warning")]


def test_the_tolerance_has_one_name_from_the_config_to_the_rules(tmp_path):
    from budgetlint import batch
    from budgetlint.api import Run
    from budgetlint.engine import Settings

    write(tmp_path / "budgetlint.toml", "tolerance = 0.02\n")
    run = Run.from_project(start=tmp_path)
    assert run.config.rounding_per_item == Decimal("0.02")
    recipe = batch.Recipe((), True, None, "national", run.config.rounding_per_item, False)
    assert recipe.settings() == Settings("national", Decimal("0.02"))
    assert Run.from_project(use_config=False, tolerance="0.03").config.rounding_per_item == Decimal("0.03")
    assert Run.from_project(use_config=False, rounding_per_item="0.04").config.rounding_per_item == Decimal(
        "0.04"
    )
    assert not hasattr(batch, "_STATE")  # workers get their Checker from the pool's initializer


def test_profile_from_file_and_flag(project):
    write(project / "budgetlint.toml", 'rules = ["checks"]\nbuiltin-rules = false\nselect = ["CFG-02"]\n')
    # the document's own profile, jiangxi-2023, includes the jiangxi rules
    assert findings(run("check", "--format", "json", "docs", cwd=project)) == [("CFG-02", "info")]
    assert findings(run("check", "--format", "json", "--profile", "national", "docs", cwd=project)) == []
    write(project / "budgetlint.toml", 'rules = ["checks"]\nbuiltin-rules = false\nprofile = "national"\n')
    assert "CFG-02" not in {r for r, _ in findings(run("check", "--format", "json", "docs", cwd=project))}


def test_explicit_config_and_no_config(project, tmp_path):
    write(project / "budgetlint.toml", 'select = ["NOPE-99"]\n')  # would fail: matches no rule
    other = write(project / "other.toml", 'rules = ["checks"]\nbuiltin-rules = false\nselect = ["FIX-01"]\n')
    assert findings(run("check", "--format", "json", "--config", str(other), "docs", cwd=project)) == [
        ("FIX-01", "error")
    ]
    proc = run("check", "--no-config", "--no-builtin-rules", "--rules", "checks", "docs", cwd=project)
    assert proc.returncode == 1 and "FIX-01" in proc.stdout
    proc = run("check", "docs", cwd=project)
    assert proc.returncode == 2
    # positioned as a document's problem is: the config file, the key's line:column
    assert proc.stderr.strip() == (
        "budgetlint.toml:1:1: error: select: 'NOPE-99' matches no rule id, topic, wildcard or tag".replace(
            "budgetlint.toml", str(project / "budgetlint.toml")
        )
    )


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        (
            "[tool.budgetlint]\nfail_on = 'error'\n",
            ":2:1: error: tool.budgetlint.fail_on",
            "unknown key; did you mean 'fail-on'?",
        ),
        (
            "[tool.budgetlint]\nfail-on = 'fatal'\n",
            ":2:1: error: tool.budgetlint.fail-on",
            "'fatal' is not one of",
        ),
        (
            "[tool.budgetlint]\ntolerance = -1\n",
            ":2:1: error: tool.budgetlint.tolerance",
            "must be a finite number",
        ),
        (
            "[tool.budgetlint]\nprofile = 'mars'\n",
            ":2:1: error: tool.budgetlint.profile",
            "'mars' is not one of",
        ),
        (
            "[tool.budgetlint.severity]\n  PERF-04 = 'fatal'\n",
            ':2:3: error: tool.budgetlint.severity."PERF-04"',
            "not one of",
        ),
        (
            "[tool.budgetlint]\nselect = 'PCT'\nignore = [1]\n",
            ":3:1: error: tool.budgetlint.ignore[0]",
            "list of non-empty",
        ),
        (
            "[tool.budgetlint]\nrules = ['nowhere']\n",
            ":2:1: error: tool.budgetlint.rules",
            "no such rule file or folder",
        ),
        ("[tool.budgetlint\n", ":1:17: error: invalid TOML", "invalid TOML"),
    ],
)
def test_bad_config_exits_2_naming_file_and_key(project, text, where, fragment):
    """file:line:col: error: key.path: message, as a document's problem (the key's line found in
    the TOML text: tomllib gives no positions)."""
    path = write(project / "pyproject.toml", text)
    proc = run("check", "docs", cwd=project)
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"{path}{where}"), err
    assert fragment in err


def test_bad_flag_value_exits_2(project):
    proc = run("check", "--no-config", "--tolerance", "abc", "docs", cwd=project)
    assert proc.returncode == 2 and "--tolerance: 'abc' is not a number" in proc.stderr
    proc = run("check", "--no-config", "--select", "PCT-9X", "docs", cwd=project)
    assert proc.returncode == 2 and "--select: 'PCT-9X' matches no rule" in proc.stderr


def test_load_config_unit(tmp_path):
    write(
        tmp_path / "budgetlint.toml", 'tolerance = "0.01"\n[severity]\n"PCT" = "error"\n"PCT-02" = "info"\n'
    )
    (tmp_path / "a" / "b").mkdir(parents=True)
    config = load_config(start=tmp_path / "a" / "b")
    assert config.path == tmp_path / "budgetlint.toml"
    # the config's `tolerance` is the setting rounding_per_item, by that name from here to the rules
    assert config.rounding_per_item == Decimal("0.01") and isinstance(config.rounding_per_item, Decimal)
    assert severity_for(config, "PCT-02", (), "warning") == "info"  # the exact id wins
    assert severity_for(config, "PCT-01", (), "warning") == "error"
    assert load_config(use_files=False) == Config()
    with pytest.raises(ConfigError):
        load_config(str(tmp_path / "missing.toml"))


def test_another_tools_pyproject_is_not_read_even_when_broken(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.black\nline-length = 100\n")  # not valid TOML
    assert load_config(start=tmp_path) == Config()
    write(tmp_path / "pyproject.toml", "[tool.budgetlint\nprofile = 'national'\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(start=tmp_path)


DEFINES_OUR_TABLE = [
    "[tool.budgetlint]\nprofile = 'national'\n",
    "[ tool . budgetlint ]\nprofile = 'national'\n",
    '[tool."budgetlint"]\nprofile = "national"\n',
    "[tool.'budgetlint'.severity]\nPCT-01 = 'warning'\n",
    "[tool]\nbudgetlint = { profile = 'national' }\n",
    "tool.budgetlint.profile = 'national'\n",
    "tool = { budgetlint = { profile = 'national' } }\n",
    '[project]\nname = "budgetlint-rules"\n\n  [tool.budgetlint]\n  profile = "national"\n',
]
NAMES_BUDGETLINT_ELSEWHERE = [
    '[project]\nname = "budgetlint"\n[project.scripts]\nbudgetlint = "budgetlint.cli:main"\n'
    "[tool.ruff]\nx = 1\n",
    '[project]\ndependencies = ["budgetlint>=0.1"]\n[tool.hatch.build]\npackages = ["budgetlint"]\n',
    "# configured in budgetlint.toml\n[tool.black]\nline-length = 100\n",
]


@pytest.mark.parametrize("text", DEFINES_OUR_TABLE)
def test_a_pyproject_that_defines_the_table_is_read(tmp_path, text):
    import tomllib

    from budgetlint.config import _mentions_budgetlint, find_config

    path = write(tmp_path / "pyproject.toml", text)
    assert "budgetlint" in tomllib.loads(text)["tool"]  # the case is what it claims
    assert _mentions_budgetlint(path)
    assert find_config(tmp_path) == (path, "tool.budgetlint.")


@pytest.mark.parametrize("text", NAMES_BUDGETLINT_ELSEWHERE)
def test_a_pyproject_that_names_budgetlint_only_elsewhere_is_not_parsed(tmp_path, text):
    import tomllib

    from budgetlint.config import _mentions_budgetlint, find_config

    path = write(tmp_path / "pyproject.toml", text)
    assert "budgetlint" not in tomllib.loads(text).get("tool", {})
    assert not _mentions_budgetlint(path)
    assert find_config(tmp_path) is None


def test_this_repositorys_pyproject_is_not_parsed():
    """budgetlint's own pyproject names it everywhere and configures other tools only."""
    from budgetlint.config import _mentions_budgetlint
    from tests.conftest import ROOT

    assert not _mentions_budgetlint(ROOT / "pyproject.toml")
