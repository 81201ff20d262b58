"""`budgetlint import FILE.pdf|FILE.txt [-o OUT.json|OUT.yaml] [--report]`."""

from __future__ import annotations

import sys

import click

from budgetlint.cli import EXIT_FINDINGS, cli, fail
from budgetlint.report.printable import printable


@cli.command("import")
@click.argument("file")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write the document here (.json, or .yaml/.yml) instead of standard output.",
)
@click.option("--report", is_flag=True, help="Tables found, figures placed (coverage %) and import findings.")
def import_(file, output, report) -> None:
    """Import a published disclosure (PDF, or text extracted from one) into a document.

    Every figure is a figure printed in the source; source.locations records its page and line.
    What cannot be placed is reported (IMPORT-01 …), not guessed. Exit status: 0 imported whole,
    1 imported with figures that could not be placed (error-level import findings), 2 unreadable.
    """
    from budgetlint.importer.checking import ImportFailure, import_path
    from budgetlint.importer.output import report_lines, to_json, to_yaml

    if output:
        from budgetlint.commands.check import check_outputs

        check_outputs([("-o/--output", output)], [("the input", file)])
    try:
        imported = import_path(file, file)
    except ImportFailure as err:
        fail(printable(f"budgetlint: {err}"))
    errors = [f for f in imported.findings if f.severity == "error"]
    if errors:
        imported.document["source"]["note"] = (
            f"INCOMPLETE: {len(errors)} printed figure(s) could not be placed (budgetlint import --report)"
        )
    yaml_out = bool(output) and output.lower().endswith((".yaml", ".yml"))
    text = to_yaml(imported.document) if yaml_out else to_json(imported.document)
    if output:
        from budgetlint.atomic import write_text

        try:
            write_text(output, text)
        except OSError as err:
            fail(printable(f"budgetlint: cannot write {output}: {err.strerror or err}"))
    else:
        sys.stdout.write(text)
    lines = report_lines(imported, file)
    if not report:  # the findings are always shown, the rest of the report on request
        lines = [line for line in lines if line.startswith("  " + file + ":")]
    stream = sys.stdout if output else sys.stderr
    for line in lines:
        click.echo(printable(line.strip() if not report else line), file=stream)
    if errors:
        sys.exit(EXIT_FINDINGS)
