"""`budgetlint init` and `budgetlint new-rule`: starter files that work as written, never overwriting."""

from __future__ import annotations

import re
from pathlib import Path

import click

from budgetlint.atomic import write_text
from budgetlint.cli import cli, fail
from budgetlint.commands.authoring import project_options, project_rules

CONFIG = """\
# budgetlint configuration — every key is optional (README: "Configuration").

# Rule folders of this project, relative to this file, checked next to the built-in rulebook.
rules = ["rules"]
# builtin-rules = false          # only the rules above

# Rules to run / to leave out: exact rule ids ("PCT-01"), topics ("PCT": every PCT-…),
# wildcards ("PCT-01*") or tags ("three-public").
select = []
ignore = []

# Exit 1 when a finding at or above this severity remains: "error", "warning" or "info".
fail-on = "error"

# Rounding allowance per printed item, in the document's amount unit.
tolerance = 0.005

# The profile of rules to apply; default: the document's own "profile", else "national".
# profile = "jiangxi-2023"

# Waivers file; default: budgetlint-waivers.yaml next to this file, when it exists.
# waivers = "budgetlint-waivers.yaml"

[severity]
# "PERF-04" = "error"

# `budgetlint lint-rules` (docs/lint-rules.md): the form of this project's rule files.
[lint-rules]
# line-length = 120
# ignore = ["BL009"]
"""

RULE = """\
rule {id} {{
  title "{title}"
  title_en "{title_en}"
  severity warning
  basis "{basis}"
  tags [local]
  doc \"\"\"
  {doc}
  \"\"\"
  for goal in performance_goals
  assert present(goal.annual_goal)
  at goal.annual_goal
  message "项目「{{goal.project}}」未填写年度目标"
  message_en "Project 「{{goal.project}}」 gives no annual goal"
}}
"""

CASES = """\
# Test cases of {id}: run them with `budgetlint test {folder}`.
- name: a project with its annual goal passes
  rule: {id}
  document:
    performance_goals:
      - {{project: 社会保险经办服务, annual_goal: 完成全年参保登记和待遇核发}}
  expect: []
- name: a project without an annual goal is reported at that goal
  rule: {id}
  document:
    performance_goals:
      - {{project: 社会保险经办服务, annual_goal: 完成全年参保登记和待遇核发}}
      - {{project: 信息系统运维, annual_goal: ""}}
  expect:
    - {{rule: {id}, pointer: /performance_goals/1/annual_goal}}
"""

EXAMPLE = {
    "title": "项目支出绩效目标表须填写年度目标",
    "title_en": "Each performance-goal table states its annual goal",
    "basis": "《项目支出绩效评价管理办法》（财预〔2020〕10号）",
    "doc": "每张项目支出绩效目标表都应写明年度绩效目标。这是一条示例规则：照此写本单位的规则。",
}
TEMPLATE = {
    "title": "TODO：规则的中文标题",
    "title_en": "TODO: the rule's English title",
    "basis": "TODO：依据（文件名、文号和条款）",
    "doc": "TODO：检查什么、为什么。先改测试用例（.cases.yaml），再改规则，直到 budgetlint test 通过。",
}
ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


def write_new(files: dict[Path, str]) -> None:
    """Write all files, or none of them if any exists already."""
    existing = [str(p) for p in files if p.exists()]
    if existing:
        fail(f"budgetlint: will not overwrite existing file(s): {', '.join(existing)}")
    for path, text in files.items():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, text)
        except OSError as err:
            fail(f"budgetlint: {path}: cannot write: {err.strerror or err}")
        click.echo(f"created {path}")


def rule_files(rule_id: str, folder: Path, texts: dict) -> dict[Path, str]:
    stem = rule_id.lower()
    return {
        folder / f"{stem}.rules": RULE.format(id=rule_id, **texts),
        folder / f"{stem}.cases.yaml": CASES.format(id=rule_id, folder=folder.as_posix()),
    }


@cli.command()
def init() -> None:
    """Create budgetlint.toml and a rules/ folder with an example rule and its test cases."""
    files = {Path("budgetlint.toml"): CONFIG, **rule_files("LOCAL-01", Path("rules"), EXAMPLE)}
    write_new(files)
    click.echo("next: `budgetlint test rules/`, then `budgetlint check YOUR-DOCUMENTS`")


@cli.command(name="new-rule")
@click.argument("rule_id")
@click.option("--dir", "folder", default="rules", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the rule file and its cases.")  # fmt: skip
@project_options
def new_rule(rule_id, folder, config_file, no_config) -> None:
    """Create RULE_ID's rule file and test-case file, ready to edit (they pass as created):
    FOLDER/rule-id.rules and FOLDER/rule-id.cases.yaml, the id in lower case."""
    from budgetlint.cli import load_rulebook_or_exit

    if not ID.match(rule_id):
        fail(f"budgetlint: {rule_id!r} is not a rule id: use capitals, digits and dashes, e.g. LOCAL-02")
    rulebook = load_rulebook_or_exit(*project_rules(config_file, no_config))
    if rulebook.by_id(rule_id) is not None:
        fail(f"budgetlint: {rule_id} is already a rule (built-in or the project's); choose another id")
    write_new(rule_files(rule_id, Path(folder), TEMPLATE))
    click.echo(f"next: edit them, then `budgetlint test {folder}`")
