"""The command line as a user meets it: output lines, exit codes, and no traceback on bad input."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, SAMPLE
from tests.conftest import run_cli as run


def test_check_seed_prints_findings_and_summary():
    proc = run("check", str(SAMPLE.relative_to(ROOT)))
    lines = proc.stdout.splitlines()
    assert lines[-1].startswith(("Found ", "No problems found"))
    assert lines[-1].endswith("in 1 file.")
    for line in lines[:-1]:
        file, row, col, rest = line.split(":", 3)
        assert file == "samples/xunwu-2023-social-insurance.json"
        assert row.isdigit() and col.isdigit()
        severity, rule_id, _message = rest.strip().split(" ", 2)
        assert severity in ("error", "warning", "info") and "-" in rule_id
    assert proc.returncode == (1 if " error" in proc.stdout.split("Found")[-1] else 0)


def test_json_format_is_machine_readable(tmp_path):
    broken = json.loads(SAMPLE.read_text(encoding="utf-8"))
    broken["narrative"]["fiscal_appropriation"]["items"][0]["share_pct"] = 12.34
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False, indent=2), encoding="utf-8")
    proc = run("check", "--format", "json", str(path))
    payload = json.loads(proc.stdout)
    assert payload["format"] == "budgetlint-findings" and payload["version"] == 1
    hits = [f for f in payload["findings"] if f["rule"] == "PCT-02"]
    assert [f["pointer"] for f in hits] == ["/narrative/fiscal_appropriation/items"]
    assert hits[0]["line"] > 1
    assert payload["summary"]["findings"] == len(payload["findings"])


def test_error_findings_exit_1(tmp_path):
    broken = json.loads(SAMPLE.read_text(encoding="utf-8"))
    broken["tables"]["general_budget"]["rows"][2]["total"] = 283.90
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False, indent=1), encoding="utf-8")
    proc = run("check", str(path))
    assert proc.returncode == 1
    assert " error ARITH-04 " in proc.stdout


def test_schema_violation_is_a_finding_not_a_crash(tmp_path):
    broken = json.loads(SAMPLE.read_text(encoding="utf-8"))
    broken["fiscal_year"] = "二〇二三"
    broken["narrative"]["revenue"]["totl"] = 1
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False, indent=2), encoding="utf-8")
    proc = run("check", "--format", "json", str(path))
    assert proc.returncode == 1
    schema = [(f["pointer"], f["line"]) for f in json.loads(proc.stdout)["findings"] if f["rule"] == "schema"]
    pointers = [p for p, _ in schema]
    assert "/fiscal_year" in pointers
    assert "/narrative/revenue" in pointers
    assert all(line > 1 for _, line in schema)
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("content", "name", "fragment"),
    [
        (b'{"format": "budgetlint/department-budget@1", "fiscal_year": 20', "truncated.json", "invalid JSON"),
        (b'{"fiscal_year": 2023, "fiscal_year": 2024}', "dup.json", "duplicate key 'fiscal_year'"),
        ('{"entity": {"name": "寻乌县社会保险服务中心"}}'.encode("gbk"), "gbk.json", "not UTF-8"),
        (b"entity: !!python/object/apply:os.system [echo hi]\n", "evil.yaml", "YAML tag not allowed"),
    ],
)
def test_malformed_input_exits_2_with_one_line(tmp_path, content, name, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    proc = run("check", str(path))
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(str(path)) and fragment in err
    assert "Traceback" not in err
    assert proc.stdout.strip() == "No problems found in 0 files (1 file could not be read)."


def test_missing_file_exits_2(tmp_path):
    proc = run("check", str(tmp_path / "nope.json"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{tmp_path / 'nope.json'}: error: no such file"


def test_unknown_option_exits_2():
    proc = run("check", "--frobnicate", str(SAMPLE))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_every_command_is_listed_with_its_module():
    import importlib
    import pkgutil

    import budgetlint.commands
    from budgetlint.cli import COMMAND_MODULES, cli

    for module in pkgutil.iter_modules(budgetlint.commands.__path__):
        importlib.import_module(f"budgetlint.commands.{module.name}")
    assert {name: command.callback.__module__ for name, command in cli.commands.items()} == {
        name: f"budgetlint.commands.{module}" for name, module in COMMAND_MODULES.items()
    }


def test_help_lists_every_command_and_a_typo_gets_suggestions():
    from budgetlint.cli import COMMAND_MODULES

    listing = run("--help").stdout.split("Commands:")[1].strip().splitlines()
    assert [line.split()[0] for line in listing] == sorted(COMMAND_MODULES)
    proc = run("chek", str(SAMPLE))
    assert proc.returncode == 2
    assert "Did you mean one of: 'check', 'schema'?" in proc.stderr


def test_broken_extra_rule_file_exits_2(tmp_path):
    (tmp_path / "x.rules").write_text("rule X-1 { assert a = b }\n", encoding="utf-8")
    proc = run("check", "--rules", str(tmp_path), str(SAMPLE))
    assert proc.returncode == 2
    assert "x.rules:1:21: syntax error" in proc.stderr and "^" in proc.stderr


def test_schema_command_prints_the_schema():
    proc = run("schema")
    schema = json.loads(proc.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_rules_command_lists_every_rule():
    proc = run("rules")
    assert proc.returncode == 0
    assert "PCT-02" in proc.stdout and "basis:" in proc.stdout


def test_test_command_runs_cases():
    proc = run("test")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[-1].endswith(" passed, 0 failed")


def test_explain_shows_doc_and_examples():
    proc = run("explain", "SG-04")
    assert proc.returncode == 0
    out = proc.stdout
    assert "Failing example:" in out and "Passing example:" in out
    assert "finding: SG-04 at /narrative/three_public/items/1/change/reason" in out
    # and the message the user would read, under it
    assert "    「公务接待费」较上年下降45%，未说明原因" in out.splitlines()


def test_explain_unknown_rule_suggests():
    proc = run("explain", "SG-4")
    assert proc.returncode == 2
    assert "did you mean" in proc.stderr


def test_schema_messages_stay_on_one_short_line(tmp_path):
    path = tmp_path / "deep.json"
    head = '{"format": "budgetlint/department-budget@2", "entity": '
    path.write_text(head + "[" * 400 + "]" * 400 + "}", encoding="utf-8")
    proc = run("check", "--no-config", "--select", "schema", str(path))
    [finding] = [line for line in proc.stdout.splitlines() if "schema entity" in line]
    assert "is not of type object" in finding
    assert len(finding) < 200


def test_own_rules_can_use_the_shared_definitions_without_the_builtin_rules(tmp_path):
    (tmp_path / "own.rules").write_text(
        "import amount, rounding_tolerance from _common\n"
        'rule OWN-1 { title "t" title_en "t" severity error basis "b"\n'
        "  assert amount(narrative.revenue.total) == 0 ± rounding_tolerance(1, narrative.revenue.total, 0)\n"
        '  message "收入 {narrative.revenue.total}" }\n',
        encoding="utf-8",
    )
    proc = run("check", "--no-config", "--no-builtin-rules", "--rules", str(tmp_path), str(SAMPLE))
    assert proc.returncode == 1, proc.stderr
    assert [line.split()[2] for line in proc.stdout.splitlines()[:-1]] == ["OWN-1"]


def test_the_rule_catalogue_in_docs_is_current():
    proc = run("rules", "--format", "markdown")
    assert proc.returncode == 0
    committed = (ROOT / "docs" / "rulebook.md").read_text(encoding="utf-8")
    assert proc.stdout == committed, "regenerate: budgetlint rules --format markdown > docs/rulebook.md"
