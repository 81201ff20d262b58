"""Tables printed with drawn rules, read with pdfplumber's table finder.

The Shanghai 单位预算 draw their rules as thin filled rects, the 决算 as lines; pdfplumber's
"lines" strategy takes both. A merged cell comes back as one cell at its first position and None
at the positions it covers (to its right and below); its text, wrapped over lines inside the cell,
is joined (patterns.join_cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Page, Row, Table
from .patterns import is_body_row, is_title, is_unit_line, issuer_of, join_cell, unit_of


@dataclass
class Found:
    """A table found on one page, with where it is (for titles above it and for stitching)."""

    table: Table
    top: float
    bottom: float
    title_in_table: bool = False
    header_rows: list[Row] = field(default_factory=list)  # the header rows, placed, for stitching


def header_split(rows: list[list[str | None]]) -> int:
    """How many leading rows are header: up to the first body row or the first empty row (when
    no row looks like a body row, the first row alone: a list such as 序号 单位名称 备注)."""
    for i, row in enumerate(rows):
        cells = [c or "" for c in row]
        if is_body_row(cells) or (i > 0 and not any(cells)):
            return i
    return min(len(rows), 1)


def column_paths(header_cells: list[tuple[tuple, str]], centres: list[float]) -> list[list[str]]:
    """For each column, the texts of the header cells above it (outermost first)."""
    paths = []
    for cx in centres:
        covering = sorted((bbox[1], text) for bbox, text in header_cells if bbox[0] <= cx <= bbox[2] and text)
        path: list[str] = []
        for _, text in covering:
            if not path or path[-1] != text:
                path.append(text)
        paths.append(path)
    return paths


def column_centres(rows) -> list[float]:
    """Each column's centre: the narrowest cell starting at that position bounds it."""
    width = max(len(r.cells) for r in rows)
    centres = []
    for j in range(width):
        boxes = [r.cells[j] for r in rows if j < len(r.cells) and r.cells[j] is not None]
        x0 = max(b[0] for b in boxes)
        x1 = min(b[2] for b in boxes)
        centres.append((x0 + x1) / 2)
    return centres


def _leading_caption(texts: list[str | None]) -> str:
    return " ".join(t for t in texts if t)


def ruled_tables(plumber_page, page: Page) -> list[Found]:
    if not plumber_page.edges:
        return []  # nothing drawn: no ruled table (and the finder's cost is saved)
    found = []
    for pt in plumber_page.find_tables():
        raw = pt.extract()
        texts = [[None if c is None else join_cell(c) for c in row] for row in raw]
        if not any(any(c for c in row) for row in texts):
            continue  # a ruled frame with nothing printed in it
        rows = list(pt.rows)
        table = Table(title=None, pages=[page.number], method="ruled")
        found_item = Found(table, pt.bbox[1], pt.bbox[3])
        # Some publishers draw the title and the unit line inside the table's frame: lift them out.
        while texts:
            caption = _leading_caption(texts[0])
            if caption and is_title(caption) and table.title is None and not table.header_line:
                table.title = caption
                found_item.title_in_table = True
            elif caption and is_unit_line(caption):
                table.header_line = caption
                table.unit, table.issuer = unit_of(caption), issuer_of(caption)
            elif caption:
                break
            texts.pop(0)
            rows.pop(0)
        if not texts:
            continue
        n_header = header_split(texts)
        centres = column_centres(rows)
        table.header = [list(r) for r in texts[:n_header]]
        header_cells = [
            (bbox, text)
            for r, row_texts in zip(rows[:n_header], texts[:n_header], strict=True)
            for bbox, text in zip(r.cells, row_texts, strict=True)
            if bbox is not None
        ]
        table.columns = column_paths(header_cells, centres)
        for k, (r, row_texts) in enumerate(zip(rows, texts, strict=True)):
            cells = [c or "" for c in row_texts]
            if not any(cells):
                continue  # padding rows drawn empty
            top, bottom = r.bbox[1], r.bbox[3]
            row = Row(cells, page.number, page.line_at(top, bottom), top, bottom)
            (found_item.header_rows if k < n_header else table.rows).append(row)
        found.append(found_item)
    return found
