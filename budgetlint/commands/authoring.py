"""Commands for rule authors and readers: schema, rules, explain, test, eval, compile."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from budgetlint.cli import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    cli,
    display_path,
    fail,
    fail_with,
    load_rulebook_or_exit,
)


def project_options(command):
    """--config / --no-config: the project's config (budgetlint.toml, [tool.budgetlint]) is read as by
    `check`, so that its rule folders and `builtin-rules` apply to every command."""
    command = click.option("--no-config", is_flag=True, help="Ignore budgetlint.toml and pyproject.toml.")(
        command
    )
    return click.option("--config", "config_file", type=click.Path(dir_okay=False),
                        help="Use this config file instead of searching for one.")(command)  # fmt: skip


def project_rules(config_file, no_config, rule_dirs=(), no_builtin: bool = False):
    """(rule paths, builtin) of a run: the config's rule folders, then --rules; its builtin-rules."""
    from budgetlint.config import ConfigError, load_config

    try:
        config = load_config(config_file, use_files=not no_config)
        for path in config.rules:
            if not path.exists():
                raise config.error("rules", f"no such rule file or folder: {path}")
    except ConfigError as err:
        fail_with(err)
    paths: list[str] = []
    for p in (*map(str, config.rules), *map(str, rule_dirs)):
        if all(Path(p).resolve() != Path(q).resolve() for q in paths):
            paths.append(p)
    return tuple(paths), config.builtin_rules and not no_builtin


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the document model."""
    from budgetlint.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command(name="rules")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or directory (repeatable).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="markdown: a catalogue grouped by rule file, with each rule's doc text.")  # fmt: skip
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of titles and messages first shown.")  # fmt: skip
@project_options
def list_rules(rule_dirs, fmt, lang, config_file, no_config) -> None:
    """List the rules: id, severity, titles and basis (the project's too, from its config)."""
    rulebook = load_rulebook_or_exit(*project_rules(config_file, no_config, rule_dirs))
    if fmt == "markdown":
        from budgetlint.catalogue import markdown

        click.echo(markdown(rulebook.rules), nl=False)
        return
    for rule in sorted(rulebook.rules, key=lambda r: r.info.id):
        i = rule.info
        first, second = (i.title_en, i.title) if lang == "en" else (i.title, i.title_en)
        click.echo(f"{i.id:<12} {i.severity:<8} {first} — {second}")
        click.echo(f"{'':<21} basis: {i.basis}")
    click.echo(f"{len(rulebook.rules)} rules")


@cli.command(name="test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@click.option("--no-builtin-rules", is_flag=True,
              help="Test the rules under PATHS without the built-in rulebook (e.g. a province's "
                   "version of a built-in rule, under the same id).")  # fmt: skip
@project_options
def test_rules(paths, no_builtin_rules, config_file, no_config) -> None:
    """Run rule test cases (*.cases.yaml) found under PATHS (default: the project's rule folders
    from its config, and the built-in rulebook unless the config says builtin-rules = false).

    Rule files (*.rules) under PATHS, those beside a case file given by name and the project's
    rule folders are loaded next to the built-in rulebook.
    """
    from budgetlint.cases import CaseError, case_files, load_cases, run_case
    from budgetlint.resources import rules_dir

    builtin = rules_dir().resolve()
    project, use_builtin = project_rules(config_file, no_config, (), no_builtin_rules)
    targets = [Path(p) for p in paths] or [*([builtin] if use_builtin else []), *map(Path, project)]
    # a case file tests the rules beside it (foo.cases.yaml and foo.rules), not only built-in ones
    sources = [p.parent if p.is_file() and p.name.endswith(".cases.yaml") else p for p in targets]
    extra = [p for p in sources if p.resolve() != builtin and not p.resolve().is_relative_to(builtin)]
    extra += [Path(p) for p in project if all(Path(p).resolve() != q.resolve() for q in extra)]
    if not use_builtin and not extra:
        fail("budgetlint: --no-builtin-rules needs PATHS with rule files of your own")
    rulebook = load_rulebook_or_exit(extra, builtin=use_builtin)
    passed = failed = 0
    for path in case_files(targets):
        try:
            cases = load_cases(path)
        except CaseError as err:
            fail_with(err)
        for case in cases:
            result = run_case(case, rulebook)
            label = f"{display_path(Path(case.file))}::{case.name}"
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
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of titles and messages first shown.")  # fmt: skip
@project_options
def explain(rule_id, rule_dirs, lang, config_file, no_config) -> None:
    """Explain a rule (the project's too): what it checks, why, its first failing and passing cases."""
    from budgetlint.explain import explain_rule

    rule_dirs, builtin = project_rules(config_file, no_config, rule_dirs)
    rulebook = load_rulebook_or_exit(rule_dirs, builtin=builtin)
    rule = rulebook.by_id(rule_id)
    if rule is None:
        from budgetlint.hints import nearest

        near = nearest(rule_id, [r.info.id for r in rulebook.rules], n=3)
        fail(f"budgetlint: no rule {rule_id}" + (f"; did you mean {', '.join(near)}?" if near else ""))
    click.echo(explain_rule(rule, rulebook, [Path(p) for p in rule_dirs], lang))


@cli.command(name="compile")
@click.option(
    "--show", "rule_id", required=True, metavar="ID", help="The rule whose generated code to print."
)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or directory (repeatable).")  # fmt: skip
def compile_rules(rule_id, rule_dirs) -> None:
    """Print the Python code a rule is compiled to, with the definitions it calls.

    \b
    budgetlint compile --show ARITH-03
    """
    rulebook = load_rulebook_or_exit(rule_dirs)
    source = rulebook.source_of(rule_id)
    if source is None:
        from budgetlint.hints import nearest

        near = nearest(rule_id, [r.info.id for r in rulebook.rules], n=3)
        fail(f"budgetlint: no rule {rule_id}" + (f"; did you mean {', '.join(near)}?" if near else ""))
    click.echo(source, nl=False)


@cli.command(name="eval")
@click.argument("expression")
@click.argument("document", required=False)
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or directory (repeatable), for its definitions.")  # fmt: skip
@project_options
def eval_expression(expression, document, rule_dirs, config_file, no_config) -> None:
    """Print the value of a rule-language EXPRESSION over DOCUMENT (default: the seed sample; - for
    stdin), as a rule would see it: the definitions of the rule files (functional_tables(),
    amount(x) …) are there, and paths are checked against the schema first.

    \b
    budgetlint eval 'sum(tables.revenue.rows.total)'
    budgetlint eval 'performance_goals[count(indicators) < 10].project' unit.json
    """
    from budgetlint.dsl.parser import RuleSyntaxError
    from budgetlint.dsl.values import RuleTypeError, spelled
    from budgetlint.loader import InputError, load_bytes, load_path
    from budgetlint.resources import data_dir
    from budgetlint.rulebook import RulebookError

    rulebook = load_rulebook_or_exit(*project_rules(config_file, no_config, rule_dirs))
    try:
        if document == "-":
            doc = load_bytes(sys.stdin.buffer.read(), "<stdin>")
        else:
            path = Path(document) if document else data_dir("samples") / "xunwu-2023-social-insurance.json"
            doc = load_path(path, display_path(path))
    except InputError as err:
        fail_with(err)
    try:
        value = rulebook.evaluate(expression, doc.data)
    except (RuleSyntaxError, RulebookError) as err:
        fail_with(err)
    except RuleTypeError as err:
        fail(f"<expression>: error: {err} (evaluating over {doc.name})")
    click.echo(spelled(value))
