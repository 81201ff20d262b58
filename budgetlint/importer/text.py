"""Read plain extracted text (the seed's style) into a layout: pages, lines, tables best effort.

Pages are delimited by `=== page N ===` lines (as the corpus's .txt files write them) or by form
feeds; a text with neither is one page. Lines are the non-blank lines, stripped.

A table starts at a line that names one (patterns.is_title); a unit line (单位：元, 编制单位：…)
before its first row gives its unit and issuer; lines before the first body row are its header,
each split on whitespace; body rows (a figure, a code, an ordinal or a total) are split on
whitespace. The table ends at the next title, at a note (注…), at a sentence (a line with 。), or
at a page whose first lines are not rows; an untitled page that starts with rows continues it
(a repeated header is dropped).

Limits, because plain text has no positions: an empty printed cell leaves no token, so cells are
the printed tokens in order and cannot be put in their columns (a later layer must place them by
the header's meaning); a name with a space inside it splits into two cells; a name wrapped over
two lines is joined only in the common shape where the row's own line has codes followed directly
by figures (the name's halves are on the lines above and below) — any other line inside a table
that is not a row is kept in the table's notes, not guessed into a row. `columns` is empty.
"""

from __future__ import annotations

import re
from pathlib import Path

from .model import Layout, Line, Page, Row, Table
from .patterns import AMOUNT, CODE, is_body_row, is_title, is_unit_line, issuer_of, unit_of

_PAGE_MARK = re.compile(r"^=== page (\d+) ===\s*$")


def split_pages(text: str) -> list[Page]:
    pages: list[tuple[Page, bool]] = []  # each page, and whether a marker named it
    for chunk in text.split("\f"):
        pages.append((Page(number=len(pages) + 1), False))  # a form feed starts a page
        for raw in chunk.splitlines():
            mark = _PAGE_MARK.match(raw.strip())
            if mark:
                pages.append((Page(number=int(mark.group(1))), True))
            elif raw.strip():
                pages[-1][0].lines.append(Line(raw.strip()))
    kept = [page for page, named in pages if named or page.lines]
    return kept or [Page(number=1)]


def _figure_row(tokens: list[str]) -> bool:
    return bool(tokens) and (bool(CODE.match(tokens[0])) or any(AMOUNT.match(t) for t in tokens))


def _missing_name(tokens: list[str]) -> int | None:
    """Where the name should be in a row printed as codes then figures, with no name."""
    i = 0
    while i < len(tokens) and CODE.match(tokens[i]):
        i += 1
    return i if 0 < i < len(tokens) and AMOUNT.match(tokens[i]) else None


def _codes_only(cells: list[str]) -> bool:
    return bool(cells) and all(CODE.match(c) for c in cells)


def _figures_only(tokens: list[str]) -> bool:
    return bool(tokens) and all(AMOUNT.match(t) for t in tokens)


class _Reader:
    def __init__(self) -> None:
        self.tables: list[Table] = []
        self.table: Table | None = None
        self.pending: list[tuple[int, int, str]] = []  # fragments: page, line, text
        self.open_name: tuple[Row, int] | None = None
        self.page_header: list[list[str]] | None = None  # header lines seen on a continuation page

    def close(self) -> None:
        table = self.table
        if table is not None:
            self.close_pending(table)
            figures = any(AMOUNT.match(c) for row in table.rows for c in row.cells)
            if not figures and table.unit is None:
                self.tables.remove(table)  # a heading or a contents entry that ends in 表
        self.table, self.pending, self.open_name, self.page_header = None, [], None, None

    def new_page(self, page: Page) -> None:
        """The open table continues only if the page starts with its header or with a row."""
        if self.table is None:
            return
        first = page.lines[0].text.split() if page.lines else []
        repeated = bool(self.table.header) and first == self.table.header[0]
        if not (repeated or _figure_row(first)):
            self.close()
        self.page_header = [] if self.table is not None else None

    def feed(self, page: Page, number: int, text: str) -> None:
        tokens = text.split()
        if is_title(text):
            self.close()
            self.table = Table(title=text, pages=[page.number], method="text", title_line=number)
            self.tables.append(self.table)
            return
        table = self.table
        if table is None:
            return
        if table.pages[-1] != page.number and is_body_row(tokens):
            table.pages.append(page.number)
        if is_unit_line(text) and not table.rows:
            table.header_line, table.unit, table.issuer = text, unit_of(text), issuer_of(text)
        elif text.startswith(("注", "说明")) or "。" in text or "，" in text:
            self.close()  # a note or a sentence: the table is over
        elif is_body_row(tokens):
            self._row(table, page, number, tokens)
        elif not table.rows:
            table.header.append(list(tokens))
        elif (
            self.page_header is not None
            and len(self.page_header) < len(table.header)
            and tokens == table.header[len(self.page_header)]
        ):
            self.page_header.append(list(tokens))  # the header, repeated on a continuation page
        elif self.open_name is not None:
            row, at = self.open_name
            row.cells[at] += text
            self.open_name = None
        else:
            self.pending.append((page.number, number, text))

    def _row(self, table: Table, page: Page, number: int, tokens: list[str]) -> None:
        if self.page_header:
            table.notes.append(f"page {page.number}: header repeated, dropped")
        self.page_header = None
        last = table.rows[-1] if table.rows else None
        if last is not None and self.pending and _codes_only(last.cells) and _figures_only(tokens):
            # a code on its own line, the name wrapped over the next lines, the figures on the
            # line after them (the seed's 部门收入总表): one printed row, read at its code's line
            name = "".join(t for _, _, t in self.pending)
            last.cells = [*last.cells, name, *tokens]
            self.pending, self.open_name = [], None
            return
        at = _missing_name(tokens)
        if at is not None and self.pending:
            tokens = [*tokens[:at], "".join(t for _, _, t in self.pending), *tokens[at:]]
            self.pending = []
            row = Row(tokens, page.number, number)
            self.open_name = (row, at)
        else:
            self.close_pending(table)
            row = Row(tokens, page.number, number)
        table.rows.append(row)

    def close_pending(self, table: Table) -> None:
        for page, line, text in self.pending:
            table.notes.append(f"page {page} line {line}: not read as a row: {text}")
        self.pending, self.open_name = [], None


def read_text(path: str | Path) -> Layout:
    path = Path(path)
    pages = split_pages(path.read_text(encoding="utf-8-sig"))
    reader = _Reader()
    for page in pages:
        reader.new_page(page)
        for number, line in enumerate(page.lines, 1):
            reader.feed(page, number, line.text)
    reader.close()
    return Layout(str(path), "text", pages, reader.tables)
