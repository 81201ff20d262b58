"""The layout: a disclosure as printed, page by page, before any reading of what it means.

Every string here is text printed in the source (cells joined across the lines of a wrapped cell,
words joined by one space); nothing is computed. Positions are PDF points from the page's top-left
corner, rounded to 0.1; they are None for text input, which has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


@dataclass
class Line:
    """One printed text line: words grouped by position, left to right, joined by a space."""

    text: str
    top: float | None = None
    bottom: float | None = None
    x0: float | None = None
    x1: float | None = None

    def to_dict(self) -> dict:
        box = {"top": _r(self.top), "bottom": _r(self.bottom), "x0": _r(self.x0), "x1": _r(self.x1)}
        return {"text": self.text, **box}


@dataclass
class Page:
    number: int
    lines: list[Line] = field(default_factory=list)
    width: float | None = None
    height: float | None = None
    rotation: int = 0

    @property
    def orientation(self) -> str | None:
        if self.width is None or self.height is None:
            return None
        return "landscape" if self.width > self.height else "portrait"

    def line_at(self, top: float, bottom: float) -> int | None:
        """The 1-based number of the line that overlaps [top, bottom] most (None when none does)."""
        best, best_overlap = None, 0.0
        for i, line in enumerate(self.lines, 1):
            if line.top is None:
                continue
            overlap = min(bottom, line.bottom) - max(top, line.top)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        return best

    def to_dict(self) -> dict:
        return {
            "number": self.number,
            "width": _r(self.width),
            "height": _r(self.height),
            "rotation": self.rotation,
            "orientation": self.orientation,
            "lines": [line.to_dict() for line in self.lines],
        }


@dataclass
class Row:
    """A body row: its cells in column order ("" where the printed cell is empty), where it is."""

    cells: list[str]
    page: int
    line: int | None = None  # 1-based number of the page's text line the row starts on
    top: float | None = None
    bottom: float | None = None

    @property
    def text(self) -> str:
        return " ".join(cell for cell in self.cells if cell)

    def to_dict(self) -> dict:
        return {
            "cells": self.cells,
            "page": self.page,
            "line": self.line,
            "text": self.text,
            "top": _r(self.top),
            "bottom": _r(self.bottom),
        }


@dataclass
class Table:
    """A printed table, joined across pages when it continues on the next one.

    `header` holds the header rows as printed, one string per column, None where a merged cell
    spans that position; `columns` gives, for each column, the header texts above it from the
    outermost to the innermost (the merged cells resolved). `unit` is the unit as printed in the
    unit line (元, 万元), `issuer` the 编制单位/填报单位 text, `header_line` that line as printed.
    """

    title: str | None
    pages: list[int]
    method: str  # "ruled" (drawn rules), "words" (word positions), "text" (plain text)
    header: list[list[str | None]] = field(default_factory=list)
    columns: list[list[str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    unit: str | None = None
    issuer: str | None = None
    header_line: str | None = None
    title_line: int | None = None  # 1-based line number of the title on its (first) page
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        lengths = [len(r) for r in self.header] + [len(r.cells) for r in self.rows]
        return max(lengths, default=0)

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "pages": self.pages,
            "title_line": self.title_line,
            "method": self.method,
            "unit": self.unit,
            "issuer": self.issuer,
            "header_line": self.header_line,
            "header": self.header,
            "columns": self.columns,
            "rows": [row.to_dict() for row in self.rows],
            "notes": self.notes,
        }


@dataclass
class Layout:
    source: str
    kind: str  # "pdf" or "text"
    pages: list[Page] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def page(self, number: int) -> Page:
        return self.pages[number - 1]

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "kind": self.kind,
            "pages": [page.to_dict() for page in self.pages],
            "tables": [table.to_dict() for table in self.tables],
        }
