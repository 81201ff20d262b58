"""`budgetlint init` and `new-rule`: the starter files work as written and nothing is overwritten."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT
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
    stdin = '{"format": "budgetlint/department-budget@2", "performance_goals": []}'
    checked = run("check", "--select", "LOCAL", "-", cwd=tmp_path, stdin=stdin)
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
    assert proc.returncode == 2 and "is already a rule" in proc.stderr


def test_a_case_file_given_by_name_tests_the_rules_beside_it(tmp_path):
    assert run("new-rule", "JX-01", cwd=tmp_path).returncode == 0
    rule = tmp_path / "rules" / "jx-01.rules"
    broken = rule.read_text(encoding="utf-8").replace("present(goal.annual_goal)", "true")
    rule.write_text(broken, encoding="utf-8")
    proc = run("test", "rules/jx-01.cases.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stdout  # the rule beside the cases, now broken, is the one tested
    failed = "FAIL rules/jx-01.cases.yaml::a project without an annual goal is reported at that goal"
    assert failed in proc.stdout
    assert proc.stdout.splitlines()[-1] == "1 passed, 1 failed"


def test_a_folder_and_a_file_in_it_are_loaded_once(tmp_path):
    assert run("new-rule", "JX-01", cwd=tmp_path).returncode == 0
    proc = run("test", "rules", "rules/jx-01.cases.yaml", "rules/jx-01.rules", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.splitlines()[-1] == "2 passed, 0 failed"


def test_a_local_version_of_a_builtin_rule_is_tested_without_the_builtin_rulebook(tmp_path):
    # a province's variant of PERF-10 under the built-in id, with the built-in rule's cases
    rules = tmp_path / "rules"
    rules.mkdir()
    builtin = ROOT / "rules" / "performance.rules"
    text = builtin.read_text(encoding="utf-8")
    start = text.index("rule PERF-10 {")
    (rules / "perf-10.rules").write_text(text[start : text.index("\n}\n", start) + 3], encoding="utf-8")
    cases = yaml.safe_load((ROOT / "rules" / "performance.cases.yaml").read_text(encoding="utf-8"))
    mine = [c for c in cases if c["rule"] == "PERF-10"]
    for case in mine:  # a sample is named relative to its case file
        if "sample" in case:
            case["sample"] = str((ROOT / "rules" / case["sample"]).resolve())
    (rules / "perf-10.cases.yaml").write_text(yaml.safe_dump(mine, allow_unicode=True), encoding="utf-8")

    clash = run("test", "rules", cwd=tmp_path)
    assert clash.returncode == 2 and "duplicate rule id PERF-10" in clash.stderr
    alone = run("test", "--no-builtin-rules", "rules", cwd=tmp_path)
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert alone.stdout.splitlines()[-1] == f"{len(mine)} passed, 0 failed"
    # and the variant is what is tested: broken, its failing cases fail
    variant = rules / "perf-10.rules"
    variant.write_text(variant.read_text(encoding="utf-8").replace("copies == 1", "true"), encoding="utf-8")
    assert run("test", "--no-builtin-rules", "rules", cwd=tmp_path).returncode == 1


def test_no_builtin_rules_needs_rules_of_ones_own(tmp_path):
    proc = run("test", "--no-builtin-rules", cwd=tmp_path)
    assert proc.returncode == 2 and "needs PATHS" in proc.stderr
