"""Command line: `budgetlint check | schema | rules | explain | test`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from budgetlint import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_USAGE)


def load_rulebook_or_exit(extra_dirs=(), builtin: bool = True):
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import RulebookError, load_rulebook
    from budgetlint.schema import load_schema

    paths = ([rules_dir()] if builtin else []) + [Path(p) for p in extra_dirs]
    try:
        return load_rulebook(paths, load_schema(), display=_display)
    except RulebookError as err:
        _fail("budgetlint: the rule files have problems:\n" + "\n".join(err.problems))


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetlint")
def cli() -> None:
    """Check Chinese government budget disclosures (部门预算公开) against disclosure rules."""


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


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the document model."""
    from budgetlint.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command(name="rules")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or directory (repeatable).")  # fmt: skip
def list_rules(rule_dirs) -> None:
    """List the rules: id, severity, titles and basis."""
    rulebook = load_rulebook_or_exit(rule_dirs)
    for rule in sorted(rulebook.rules, key=lambda r: r.info.id):
        i = rule.info
        click.echo(f"{i.id:<12} {i.severity:<8} {i.title} — {i.title_en}")
        click.echo(f"{'':<21} basis: {i.basis}")
    click.echo(f"{len(rulebook.rules)} rules")


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        _fail("budgetlint: aborted")
    except click.ClickException as err:
        err.show()
        sys.exit(EXIT_USAGE)
    except SystemExit:
        raise
    except BrokenPipeError:
        sys.exit(EXIT_USAGE)
    except Exception as err:  # the promise: never a traceback, always a clear line and exit 2
        _fail(f"budgetlint: internal error: {type(err).__name__}: {err} (please report this)")
    sys.exit(EXIT_CLEAN)


@cli.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def test_rules(paths) -> None:
    """Run rule test cases (*.cases.yaml) found under PATHS (default: the built-in rulebook).

    Rule files (*.rules) under PATHS are loaded next to the built-in rulebook.
    """
    from budgetlint.cases import CaseError, case_files, load_cases, run_case
    from budgetlint.resources import rules_dir

    builtin = rules_dir().resolve()
    targets = [Path(p) for p in paths] or [builtin]
    extra = [p for p in targets if p.resolve() != builtin]
    rulebook = load_rulebook_or_exit(extra)
    passed = failed = 0
    for path in case_files(targets):
        try:
            cases = load_cases(path)
        except CaseError as err:
            _fail(f"budgetlint: {err}")
        for case in cases:
            result = run_case(case, rulebook)
            label = f"{_display(Path(case.file))}::{case.name}"
            if result.passed:
                passed += 1
                click.echo(f"PASS {label}")
                continue
            failed += 1
            click.echo(f"FAIL {label}: {result.problem}")
            if case.expect is not None:
                click.echo(f"     expected: {list(case.expect)}")
            if case.expect_new is not None:
                click.echo(f"     expected new: {list(case.expect_new)}")
            click.echo(f"     got:      {result.got}")
    click.echo(f"{passed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@cli.command()
@click.argument("rule_id")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or directory (repeatable).")  # fmt: skip
def explain(rule_id, rule_dirs) -> None:
    """Explain a rule: what it checks, why, and its first failing and passing test cases."""
    from budgetlint.explain import explain_rule

    rulebook = load_rulebook_or_exit(rule_dirs)
    rule = rulebook.by_id(rule_id)
    if rule is None:
        from difflib import get_close_matches

        near = get_close_matches(rule_id, [r.info.id for r in rulebook.rules], n=3)
        _fail(f"budgetlint: no rule {rule_id}" + (f"; did you mean {', '.join(near)}?" if near else ""))
    click.echo(explain_rule(rule, rulebook, [Path(p) for p in rule_dirs]))
