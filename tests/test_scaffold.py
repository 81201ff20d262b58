"""`budgetlint init` and `new-rule`: the starter files work as written and nothing is overwritten."""

from __future__ import annotations

from tests.test_report_formats import run


def test_init_writes_config_and_an_example_rule_whose_cases_pass(tmp_path):
    proc = run("init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "budgetlint.toml").is_file()
    assert (tmp_path / "rules" / "local-01.rules").is_file()
    tested = run("test", "rules/", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout
    assert tested.stdout.splitlines()[-1] == "2 passed, 0 failed"
    # the starter config is valid and brings the project's rules into `check`
    listed = run("rules", "--rules", "rules", cwd=tmp_path)
    assert "LOCAL-01" in listed.stdout
    checked = run("check", "--select", "LOCAL", "-", cwd=tmp_path, stdin='{"performance_goals": []}')
    assert checked.returncode == 1  # the schema finds this document incomplete
    assert " LOCAL-01 " not in checked.stdout


def test_init_never_overwrites(tmp_path):
    (tmp_path / "budgetlint.toml").write_text("# mine\n", encoding="utf-8")
    proc = run("init", cwd=tmp_path)
    assert proc.returncode == 2
    assert "will not overwrite existing file(s): budgetlint.toml" in proc.stderr
    assert (tmp_path / "budgetlint.toml").read_text(encoding="utf-8") == "# mine\n"
    assert not (tmp_path / "rules").exists()  # all or nothing


def test_new_rule_scaffolds_a_rule_and_cases_that_pass(tmp_path):
    proc = run("new-rule", "JX-01", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "rules" / "jx-01.rules").read_text(encoding="utf-8")
    assert text.startswith("rule JX-01 {")
    assert (tmp_path / "rules" / "jx-01.cases.yaml").is_file()
    assert run("test", "rules", cwd=tmp_path).returncode == 0
    again = run("new-rule", "JX-01", cwd=tmp_path)
    assert again.returncode == 2 and "will not overwrite" in again.stderr


def test_new_rule_refuses_bad_or_builtin_ids(tmp_path):
    assert "is not a rule id" in run("new-rule", "jx 1", cwd=tmp_path).stderr
    proc = run("new-rule", "PCT-02", cwd=tmp_path)
    assert proc.returncode == 2 and "is a built-in rule" in proc.stderr
