"""Issue 16, item 5: `exclude`, .gitignore, extend-select / extend-ignore (and --ignore adding to the
config's list), --exit-zero — as ruff users expect."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, run_cli

FIXTURES = ROOT / "tests" / "fixtures"
RULES = f'rules = ["{(FIXTURES / "rules").as_posix()}"]\nbuiltin-rules = false\n'


@pytest.fixture()
def archive(tmp_path):
    for folder in ("docs", "vendor/lib", "docs/drafts"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "docs" / "unit-a.json", tmp_path / folder / "a.json")
    return tmp_path


def _files(proc) -> set[str]:
    return {f["file"] for f in json.loads(proc.stdout)["findings"]}


def _rules(proc) -> set[str]:
    return {f["rule"] for f in json.loads(proc.stdout)["findings"]}


def test_exclude_in_the_config_and_on_the_command_line(archive):
    (archive / "budgetlint.toml").write_text(
        RULES + 'exclude = ["vendor", "docs/drafts"]\n', encoding="utf-8"
    )
    proc = run_cli("check", "--format", "json", ".", cwd=archive)
    assert _files(proc) == {"docs/a.json"}
    proc = run_cli("check", "--format", "json", "--exclude", "docs", ".", cwd=archive)
    assert _files(proc) == set()
    # a file named on the command line is checked; under --declared-only (the hook) exclude applies
    assert _files(run_cli("check", "--format", "json", "vendor/lib/a.json", cwd=archive)) == {
        "vendor/lib/a.json"
    }
    hook = run_cli(
        "check", "--declared-only", "--format", "json", "vendor/lib/a.json", "docs/a.json", cwd=archive
    )
    assert _files(hook) == {"docs/a.json"}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_gitignore_is_respected_in_folder_scans(archive):
    subprocess.run(["git", "init", "-q"], cwd=archive, check=True)
    (archive / ".gitignore").write_text("vendor/\n", encoding="utf-8")
    (archive / "budgetlint.toml").write_text(RULES, encoding="utf-8")
    proc = run_cli("check", "--format", "json", ".", cwd=archive)
    assert _files(proc) == {"docs/a.json", "docs/drafts/a.json"}
    proc = run_cli("check", "--format", "json", "vendor", cwd=archive)  # a folder under an ignored one
    assert _files(proc) == set()


def test_extend_select_extend_ignore_and_ignore_adds_to_the_config(archive):
    config = archive / "budgetlint.toml"
    base = ("check", "--format", "json", "docs/a.json")
    config.write_text(RULES + 'select = ["FIX-01"]\nextend-select = ["FIX-03"]\n', encoding="utf-8")
    assert _rules(run_cli(*base, cwd=archive)) == {"FIX-01", "FIX-03"}
    assert _rules(run_cli(*base, "--select", "FIX-02", cwd=archive)) == {"FIX-02", "FIX-03"}
    assert _rules(run_cli(*base, "--extend-select", "FIX-02", cwd=archive)) == {"FIX-01", "FIX-02", "FIX-03"}
    config.write_text(RULES + 'ignore = ["FIX-03"]\n', encoding="utf-8")
    # --ignore adds to the config's ignore (it used to replace it, and FIX-03 came back)
    assert _rules(run_cli(*base, "--ignore", "FIX-02", cwd=archive)) == {"FIX-01"}
    assert _rules(run_cli(*base, "--extend-ignore", "FIX-01", cwd=archive)) == {"FIX-02"}
    config.write_text(RULES + 'extend-ignore = ["FIX"]\n', encoding="utf-8")
    assert _rules(run_cli(*base, cwd=archive)) == set()


def test_exit_zero(archive):
    (archive / "budgetlint.toml").write_text(RULES, encoding="utf-8")
    assert run_cli("check", "docs/a.json", cwd=archive).returncode == 1
    zero = run_cli("check", "--exit-zero", "docs/a.json", cwd=archive)
    assert zero.returncode == 0 and "FIX-01" in zero.stdout
    (archive / "bad.json").write_text('{"format": "budgetlint/department-budget@2",', encoding="utf-8")
    assert run_cli("check", "--exit-zero", "bad.json", cwd=archive).returncode == 2  # input errors stay 2
