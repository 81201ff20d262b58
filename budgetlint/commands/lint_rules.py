"""`budgetlint lint-rules PATH…`: lint rule files (budgetlint/lint, docs/lint-rules.md).

Its settings come from the project's config (`[lint-rules]` in budgetlint.toml,
`[tool.budgetlint.lint-rules]` in pyproject.toml: budgetlint.config.LintRulesConfig), found as every
command finds it (--config FILE, --no-config); its options override them.
"""

from __future__ import annotations

from pathlib import Path

import click

from budgetlint.cli import EXIT_CLEAN, EXIT_FINDINGS, cli, display_path, fail, fail_with
from budgetlint.commands.authoring import project_options


@cli.command(name="lint-rules")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--select", multiple=True, metavar="CODES",
              help="Only these checks: codes or names, comma-separated (repeatable); replaces the "
                   "config's select.")  # fmt: skip
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Not these checks: codes or names, comma-separated (repeatable); added to the "
                   "config's ignore.")  # fmt: skip
@click.option("--line-length", type=click.IntRange(min=1), default=None, metavar="N",
              help="The longest line allowed, in characters (default: the config's line-length, "
                   "else 120).")  # fmt: skip
@project_options
def lint_rules(paths, select, ignore, line_length, config_file, no_config) -> None:
    """Lint rule files (*.rules) under PATHS: long lines, positional reads of tuples, unused
    definitions and lets, rules without a failing and a passing case (in the *.cases.yaml files
    beside and under PATHS), near-duplicate rules, messages without a figure, builtin names.

    Prints `file:line:col: CODE message`; exit 1 if anything is found, 0 if nothing, 2 for a
    usage error or a file that cannot be parsed. `# lint: ignore[CODE]` on a line silences it."""
    from budgetlint.config import ConfigError, load_config
    from budgetlint.lint import DEFAULT_LINE_LENGTH, LintError, codes_of, lint_paths

    try:
        selected, ignored = codes_of(select, "--select"), codes_of(ignore, "--ignore")
    except ValueError as err:
        fail(f"budgetlint: {err}")
    try:
        own = load_config(config_file, use_files=not no_config).lint_rules
    except ConfigError as err:
        fail_with(err)
    # as `check`'s: --select replaces the config's select, --ignore adds to its ignore; a check the
    # command line selects runs even if the config ignores it
    ignored |= set(own.ignore) - selected
    selected = selected or set(own.select)
    line_length = line_length or own.line_length or DEFAULT_LINE_LENGTH
    try:
        findings = lint_paths(
            [Path(p) for p in paths],
            display=display_path,
            select=selected,
            ignore=ignored,
            line_length=line_length,
        )
    except LintError as err:
        fail("\n".join(["budgetlint: the rule files cannot be linted:", *err.problems]))
    for finding in findings:
        click.echo(str(finding))
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    summary = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
    click.echo(
        f"Found {len(findings)} problem(s): {summary}." if findings else "No problems found.", err=True
    )
    raise SystemExit(EXIT_FINDINGS if findings else EXIT_CLEAN)
