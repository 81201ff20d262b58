"""`budgetlint lint-rules PATH…`: lint rule files (budgetlint/lint)."""

from __future__ import annotations

import click

from budgetlint.cli import cli, fail


@cli.command(name="lint-rules")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def lint_rules(paths) -> None:
    """Lint rule files (*.rules) and their cases under PATHS."""
    fail("budgetlint: lint-rules is not ready yet")
