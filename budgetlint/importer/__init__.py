"""Importing a published disclosure (PDF or extracted text).

The first layer, `budgetlint.importer.layout`, reads the file into its layout — pages, printed
lines, tables with their titles, units, headers and rows — without interpreting it; every string
in it is printed in the source. pdfplumber is imported only when a PDF is read.
"""

from __future__ import annotations

from .model import Layout, Line, Page, Row, Table

__all__ = ["Layout", "Line", "Page", "Row", "Table", "read_layout", "read_pdf", "read_text"]


def read_pdf(path):
    from .layout import read_pdf as _read_pdf

    return _read_pdf(path)


def read_text(path):
    from .text import read_text as _read_text

    return _read_text(path)


def read_layout(path):
    from .layout import read_layout as _read_layout

    return _read_layout(path)
