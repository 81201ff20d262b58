"""Captions above a table (title, unit line) and tables continued on the next page."""

from __future__ import annotations

from .model import Page, Table
from .patterns import is_title, is_unit_line, issuer_of, unit_of
from .ruled import Found


def attach_captions(page: Page, found: list[Found]) -> None:
    """Give each table the title and unit line printed above it (below the previous table)."""
    previous_bottom = 0.0
    for item in sorted(found, key=lambda f: f.top):
        table = item.table
        above = [
            (i, line)
            for i, line in enumerate(page.lines, 1)
            if line.top is not None and line.top >= previous_bottom - 1 and line.bottom <= item.top + 2
        ]
        for i, line in reversed(above):
            if is_unit_line(line.text) and table.header_line is None:
                table.header_line = line.text
                table.unit, table.issuer = unit_of(line.text), issuer_of(line.text)
            elif is_title(line.text) and table.title is None:
                table.title, table.title_line = line.text, i
                break
        if table.title is not None and table.title_line is None:
            # the title was printed inside the table's frame: find its line number
            numbered = enumerate(page.lines, 1)
            table.title_line = next((i for i, line in numbered if line.text == table.title), None)
        previous_bottom = item.bottom


def _same_header(a: Table, b: Table) -> bool:
    strip = lambda rows: [[c or "" for c in row] for row in rows]  # noqa: E731
    return strip(a.header) == strip(b.header)


def stitch(found_by_page: list[list[Found]], pages: list[Page]) -> list[Table]:
    """One table per printed table: an untitled table at the top of a page whose previous page
    ends with a table of the same width continues it (its repeated header is dropped)."""
    tables: list[Table] = []
    last_on_previous: Table | None = None
    for page, found in zip(pages, found_by_page, strict=True):
        ordered = sorted(found, key=lambda f: f.top)
        for k, item in enumerate(ordered):
            table = item.table
            prev = last_on_previous if k == 0 else None
            if (
                prev is not None
                and table.title is None
                and table.header_line is None
                and prev.pages[-1] == page.number - 1
                and table.width == prev.width
            ):
                if table.header and _same_header(prev, table):
                    prev.notes.append(f"page {page.number}: header repeated, dropped")
                    rows = table.rows
                else:  # rows without figures at the top of the continued part are rows, not header
                    rows = item.header_rows + table.rows
                prev.pages.append(page.number)
                prev.rows.extend(rows)
                continue
            tables.append(table)
        last_on_previous = tables[-1] if ordered and tables and page.number in tables[-1].pages else None
    return tables
