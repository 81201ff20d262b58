"""Command line: `budgetlint check | schema | rules | explain | test | eval | compile | …`."""

from __future__ import annotations

import gc

# A lint run allocates many small, long-lived objects (the modules it imports, the compiled
# rulebook) and few cycles; the default collector thresholds spend a fifth of a cold run
# traversing them. Set before the imports below, which are most of what a cold run allocates
# (set in main() only, the collector still ran ~13 M instructions during them).
GC_THRESHOLDS = (100_000, 50, 100)
gc.set_threshold(*GC_THRESHOLDS)

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import click  # noqa: E402

from budgetlint import __version__  # noqa: E402

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
# The module under budgetlint.commands of each command: importing a command module registers its
# commands, and only the one that runs is imported (the others would cost `check` ~1 ms).
COMMAND_MODULES = {
    "check": "check",
    "eval": "authoring",
    "compile": "authoring",
    "explain": "authoring",
    "rules": "authoring",
    "schema": "authoring",
    "test": "authoring",
    "init": "scaffold",
    "new-rule": "scaffold",
    "migrate": "migrate",
    "import": "importer",
    "lint-rules": "lint_rules",
}


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_USAGE)


def error_lines(err: BaseException | str, rule: str | None = None) -> list[str]:
    """Any of budgetlint's errors (a document, config, waivers, baseline, case or rule file that
    cannot be used) as the lines the CLI prints: its diagnostics (budgetlint.api.diagnostics_of),
    each rendered by budgetlint.api.render_error, control characters made visible."""
    from budgetlint.api import diagnostics_of, render_error
    from budgetlint.report.printable import printable

    return [
        printable(render_error(d), keep="\n" if d.rule == "rule-file" else "")  # a caret under its line
        for d in diagnostics_of(err, rule)
    ]


def fail_with(err: BaseException, rule: str | None = None, header: str | None = None) -> None:
    """Print an error's diagnostics (error_lines) on standard error and exit 2: the one way every
    command reports a bad input."""
    fail("\n".join([*([header] if header else []), *error_lines(err, rule)]))


def load_rulebook_or_exit(extra_dirs=(), builtin: bool = True):
    from budgetlint.api import BudgetlintError, load_rulebook

    # Without the built-in rules, their shared definitions (rules/_common.rules: amount(),
    # rounding_tolerance() …) stay available to a project's own rules.
    try:
        rulebook = load_rulebook(extra_dirs, builtin, display=display_path)
    except BudgetlintError as err:
        fail_with(err, header="budgetlint: the rule files have problems:")
    gc.freeze()  # the rulebook lives as long as the run: keep the collector off it
    return rulebook


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class CommandGroup(click.Group):
    """Imports a command's module when the command is asked for (every module for a listing)."""

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands:  # every one for an unknown name: click suggests the nearest
            _import_commands(cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        _import_commands()
        return super().list_commands(ctx)


def _import_commands(name: str | None = None) -> None:
    modules = [COMMAND_MODULES[name]] if name in COMMAND_MODULES else set(COMMAND_MODULES.values())
    for module in modules:
        __import__(f"budgetlint.commands.{module}")  # unlike importlib's, seen by -X importtime


@click.group(cls=CommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budgetlint")
def cli() -> None:
    """Check Chinese government budget disclosures (部门预算公开) against disclosure rules."""


def main() -> None:
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        fail("budgetlint: aborted")
    except click.ClickException as err:
        err.show()
        sys.exit(EXIT_USAGE)
    except SystemExit:
        raise
    except BrokenPipeError:
        sys.exit(EXIT_USAGE)
    except OSError as err:  # a path of an option that cannot even be looked at (too long …)
        name = str(err.filename or "")
        name = name if len(name) <= 80 else f"{name[:40]}…{name[-30:]}"
        fail(f"budgetlint: {name}: {err.strerror or err}")
    except Exception as err:  # the promise: never a traceback, always a clear line and exit 2
        fail(f"budgetlint: internal error: {type(err).__name__}: {err} (please report this)")
    sys.exit(EXIT_CLEAN)
