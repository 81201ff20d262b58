"""Issue 16, item 3: every command reads the project config (explain, rules, test, eval, new-rule),
not only `check`; and item 8: new-rule writes the file names the README gives."""

from __future__ import annotations

from tests.conftest import ROOT, run_cli

OWN = """\
def own_threshold() = 42

rule SG-90 {
  title "本地规则"
  title_en "A local rule"
  severity warning
  basis "本地"
  doc "A project's own rule."
  assert fiscal_year > 2000
  at fiscal_year
  message "年度 {fiscal_year}"
}
"""


def _project(tmp_path, config: str):
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "sg-90.rules").write_text(OWN, encoding="utf-8")
    (tmp_path / "budgetlint.toml").write_text(config, encoding="utf-8")
    return tmp_path


def test_explain_rules_eval_and_new_rule_see_the_projects_rule_folder(tmp_path):
    project = _project(tmp_path, 'rules = ["checks"]\n')
    explained = run_cli("explain", "SG-90", cwd=project)
    assert explained.returncode == 0, explained.stderr
    assert "A local rule" in explained.stdout or "本地规则" in explained.stdout
    listed = run_cli("rules", cwd=project)
    assert "SG-90" in listed.stdout and "PCT-01" in listed.stdout
    evaluated = run_cli("eval", "own_threshold()", cwd=project)
    assert evaluated.returncode == 0 and evaluated.stdout.strip() == "42", evaluated.stderr
    again = run_cli("new-rule", "SG-90", cwd=project)
    assert again.returncode == 2 and "already a rule" in again.stderr
    # --no-config: the project's rules are not there
    assert run_cli("explain", "SG-90", "--no-config", cwd=project).returncode == 2


def test_builtin_rules_false_applies_to_rules_and_test(tmp_path):
    project = _project(tmp_path, 'rules = ["checks"]\nbuiltin-rules = false\n')
    listed = run_cli("rules", cwd=project)
    assert listed.stdout.splitlines()[-1] == "1 rules" and "SG-90" in listed.stdout
    (project / "checks" / "sg-90.cases.yaml").write_text(
        "- name: a year passes\n  rule: SG-90\n  document: {fiscal_year: 2023}\n  expect: []\n",
        encoding="utf-8",
    )
    tested = run_cli("test", cwd=project)  # no PATHS: the project's rule folders
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert tested.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_a_bad_config_stops_every_command(tmp_path):
    project = _project(tmp_path, 'rulez = ["checks"]\n')
    for args in (("explain", "PCT-01"), ("rules",), ("test",), ("eval", "1")):
        proc = run_cli(*args, cwd=project)
        assert proc.returncode == 2 and "rulez: unknown key" in proc.stderr, (args, proc.stderr)


def test_new_rule_writes_the_files_the_readme_names(tmp_path):
    proc = run_cli("new-rule", "SG-91", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "rules" / "sg-91.rules").is_file()
    assert (tmp_path / "rules" / "sg-91.cases.yaml").is_file()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`rules/id.rules` and `rules/id.cases.yaml`" in readme
