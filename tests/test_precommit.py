"""pre-commit: with this repository as the hook source, a broken document's commit is blocked and a
correct one passes. Uses the committed state (a clone of HEAD), as CI does on a fresh clone.

The project in the temporary repository brings its own tiny rule and ignores the built-in rulebook
and the schema, so the test stays stable while the built-in rulebook and the document model grow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.util import find_spec

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or find_spec("pre_commit") is None,
    reason="needs git and pre-commit installed (pip install '.[test]')",
)

RULE = """\
rule HOOK-01 {
  title "财政拨款支出各项占比合计应为100%"
  title_en "Shares add up to 100%"
  severity error
  basis "测试用规则"
  let items = narrative.fiscal_appropriation.items
  assert sum(items.share_pct) == 100 ± 0.05
  at narrative.fiscal_appropriation.items
  message "财政拨款支出各项占比合计为 {sum(items.share_pct)}%，应为 100%"
}
"""
DOCUMENT = """\
format: budgetlint/department-budget@2
fiscal_year: 2023
narrative:
  fiscal_appropriation:
    items:
      - {{name: 社会保险经办机构, amount: 282.9, share_pct: {first}}}
      - {{name: 对机关事业单位职业年金的补助, amount: 1200, share_pct: 40.00}}
"""


def _environment(tmp_path):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Test\n\temail = test@example.invalid\n[init]\n\tdefaultBranch = main\n"
        "[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": str(gitconfig),
        "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "NO_COLOR": "1",
    }
    env.pop("PYTHONPATH", None)
    return env


def _shell(env, work):
    def sh(*args, cwd=work, check=True):
        proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
        if check and proc.returncode != 0:
            raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    return sh


def _project(tmp_path):
    """A clone of this repository's HEAD as the hook source, and a work repository with its rule."""
    hook_repo, work = tmp_path / "hook-repo", tmp_path / "work"
    env = _environment(tmp_path)
    sh = _shell(env, work)
    sh("git", "clone", "--quiet", str(ROOT), str(hook_repo), cwd=tmp_path)
    rev = sh("git", "rev-parse", "HEAD", cwd=hook_repo).stdout.strip()
    work.mkdir()
    sh("git", "init", "--quiet")
    (work / "checks").mkdir()
    (work / "checks" / "hook.rules").write_text(RULE, encoding="utf-8")
    (work / "budgetlint.toml").write_text(
        'rules = ["checks"]\nbuiltin-rules = false\nignore = ["schema"]\n', encoding="utf-8"
    )
    return hook_repo, work, rev, sh


def test_commit_of_a_broken_document_is_blocked_and_a_correct_one_passes(tmp_path):
    hook_repo, work, rev, sh = _project(tmp_path)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: budgetlint\n",
        encoding="utf-8",
    )
    sh(sys.executable, "-m", "pre_commit", "install")

    doc = work / "unit.yaml"
    doc.write_text(DOCUMENT.format(first="61.00"), encoding="utf-8")  # 101.00 %
    sh("git", "add", ".")
    blocked = sh("git", "commit", "-m", "broken", check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "unit.yaml:5:5: error HOOK-01 财政拨款支出各项占比合计为 101.00%，应为 100%" in output
    assert sh("git", "rev-list", "--all").stdout == ""  # nothing committed

    doc.write_text(DOCUMENT.format(first="60.00"), encoding="utf-8")
    sh("git", "add", "unit.yaml")
    passed = sh("git", "commit", "-m", "correct", check=False)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "budgetlint...." in output and "Passed" in output


WORKFLOW = """\
name: ci
on:
  push:
    branches: [main]
jobs:
  test: {runs-on: ubuntu-latest, steps: [{run: make}]}
"""


def test_try_repo_checks_only_disclosures_serially_with_one_report(tmp_path):
    """Issue 16: a staged package.json and a CI workflow are not budgetlint's to judge (skipped,
    no finding, no failure); 41 staged disclosures give one report and one total."""
    hook_repo, work, rev, sh = _project(tmp_path)
    (work / "package.json").write_text('{"name": "site", "version": "1.0.0", "private": true}\n')
    (work / ".github" / "workflows").mkdir(parents=True)
    (work / ".github" / "workflows" / "ci.yml").write_text(WORKFLOW, encoding="utf-8")
    (work / "broken.yaml").write_text(DOCUMENT.format(first="61.00"), encoding="utf-8")
    (work / "disclosures").mkdir()
    for i in range(40):
        unit = work / "disclosures" / f"unit-{i:02}.yaml"
        unit.write_text(DOCUMENT.format(first="60.00"), encoding="utf-8")
    sh("git", "add", ".")

    def try_repo(*files):
        args = ("--files", *files) if files else ("--all-files",)
        proc = sh(sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "budgetlint", "--ref", rev,
                  "--verbose", *args, check=False)  # fmt: skip
        return proc.returncode, proc.stdout + proc.stderr

    code, output = try_repo()
    assert code == 1, output
    assert output.count("Found ") == 1, output  # one run: one report, one total
    assert "Found 1 problem (1 error) in 41 files." in output, output
    assert "broken.yaml:5:5: error HOOK-01" in output
    assert "package.json:" not in output and "ci.yml:" not in output, output

    # only the non-disclosures: skipped, the hook passes
    code, output = try_repo("package.json", ".github/workflows/ci.yml")
    assert code == 0, output
    assert "No problems found in 0 files." in output, output
    assert "error" not in output, output
