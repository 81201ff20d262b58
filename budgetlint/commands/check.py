"""`budgetlint check`: check documents and report findings."""

from __future__ import annotations

import sys

import click

from budgetlint.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, cli, load_rulebook_or_exit


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
    help="Output format.",
)  # fmt: skip
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or directory (repeatable), added to the built-in rulebook.")  # fmt: skip
@click.option("--no-builtin-rules", is_flag=True, help="Use only the rules given with --rules.")
def check(files, fmt, rule_dirs, no_builtin_rules) -> None:
    """Check disclosure documents (JSON or YAML).

    Exit status: 0 no error-level findings, 1 error-level findings, 2 usage or input error.
    """
    from budgetlint.engine import check_document
    from budgetlint.loader import InputError, load_path
    from budgetlint.report import Results, render

    rulebook = load_rulebook_or_exit(rule_dirs, builtin=not no_builtin_rules)
    findings, checked, input_errors = [], [], 0
    for name in files:
        try:
            doc = load_path(name)
        except InputError as err:
            click.echo(err.render(), err=True)
            input_errors += 1
            continue
        checked.append(name)
        findings.extend(check_document(doc, rulebook))
    results = Results(tuple(checked), tuple(findings))
    color = fmt == "text" and sys.stdout.isatty()
    click.echo(render(fmt, results, rulebook, color=color), nl=False)
    if input_errors:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if results.counts()["error"] else EXIT_CLEAN)
