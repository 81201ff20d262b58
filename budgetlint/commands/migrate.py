"""`budgetlint migrate`: rewrite a model @1 document as @2, changing nothing but its `format`."""

from __future__ import annotations

import re
from pathlib import Path

import click

from budgetlint.cli import cli, display_path, fail

OLD, NEW = "budgetlint/department-budget@1", "budgetlint/department-budget@2"


def migrated_text(text: str) -> str | None:
    """The document's text with its top-level format value set to @2; None when it is not @1.

    Only the characters of the value change, so comments, key order, number spellings and
    indentation stay as they were (an @1 document is a valid @2 document whose tables are in 万元)."""
    match = re.search(r"""(^|[{,\s])(["']?)format\2\s*:\s*(["']?)""" + re.escape(OLD) + r"\3", text, re.M)
    if match is None:
        return None
    start = match.end() - len(OLD) - len(match.group(3))
    return text[:start] + text[start:].replace(OLD, NEW, 1)


@cli.command()
@click.argument("document", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the @2 document here instead of rewriting DOCUMENT in place.")  # fmt: skip
def migrate(document, output) -> None:
    """Rewrite a model @1 DOCUMENT as @2. Only `format` changes; the file is replaced atomically
    (or written to -o), after checking that the result holds exactly the same data."""
    from budgetlint.atomic import write_text
    from budgetlint.loader import InputError, load_path, load_text, syntax_of

    path = Path(document)
    try:
        doc = load_path(path, display_path(path))
    except InputError as err:
        fail(err.render())
    if not isinstance(doc.data, dict) or doc.data.get("format") != OLD:
        fail(f"budgetlint: {display_path(path)} is not a {OLD} document; nothing to migrate")
    text = migrated_text(doc.text)
    after = load_text(text, doc.name, syntax_of(str(path))).data if text is not None else None
    if after is None or {**after, "format": OLD} != doc.data:
        fail(
            f"budgetlint: {display_path(path)}: could not change the format line alone; edit `format` by hand"
        )
    target = Path(output) if output else path
    try:
        write_text(target, text)
    except OSError as err:
        fail(f"budgetlint: cannot write {display_path(target)}: {err.strerror}")
    click.echo(f"migrated {display_path(path)} to {NEW}" + (f" in {display_path(target)}" if output else ""))
