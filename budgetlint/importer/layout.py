"""Read a disclosure into its layout: pages, printed lines and tables, nothing interpreted.

`read_pdf(path)` reads a PDF (pdfplumber, imported here only); `read_text(path)` reads text
already extracted from one (see budgetlint.importer.text). `python -m budgetlint.importer.layout
FILE` prints the layout as JSON.

In a PDF, tables with drawn rules are read by pdfplumber's table finder (budgetlint.importer.ruled),
tables without by word positions (budgetlint.importer.words); each gets the title and unit line
printed above it, and a table continued on the next page is joined into one, each row keeping its
page (budgetlint.importer.stitch).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .lines import group_words, page_words, to_line
from .model import Layout, Page
from .stitch import attach_captions, stitch
from .text import read_text


class LayoutError(ValueError):
    """The file cannot be read as a PDF with a text layer (damaged, encrypted, not a PDF)."""


def _open(path: Path):
    import pdfplumber

    try:
        pdf = pdfplumber.open(path)
        pdf.pages  # noqa: B018 — parses the page tree: a damaged file fails here
    except Exception as exc:  # pdfminer raises many unrelated types for a bad file
        name = type(exc).__name__
        detail = str(exc) or name
        if "Password" in name or "Password" in detail or "Encrypt" in detail or "encrypt" in detail:
            raise LayoutError(f"{path}: the PDF is encrypted (password-protected): {detail}") from exc
        raise LayoutError(f"{path}: not a readable PDF: {detail}") from exc
    return pdf


def read_pdf(path: str | Path) -> Layout:
    from .ruled import ruled_tables
    from .words import word_tables

    path = Path(path)
    layout = Layout(str(path), "pdf")
    found_by_page = []
    with _open(path) as pdf:
        for plumber_page in pdf.pages:
            words = page_words(plumber_page)
            page = Page(
                number=plumber_page.page_number,
                lines=[to_line(group) for group in group_words(words)],
                width=float(plumber_page.width),
                height=float(plumber_page.height),
                rotation=int(plumber_page.rotation or 0),
            )
            layout.pages.append(page)
            found = ruled_tables(plumber_page, page)
            attach_captions(page, found)
            previous = found_by_page[-1] if found_by_page else []
            continues = bool(previous) and max(previous, key=lambda f: f.top).table.method == "words"
            found += word_tables(page, words, found, continues)
            found_by_page.append(found)
    layout.tables = stitch(found_by_page, layout.pages)
    return layout


def read_layout(path: str | Path) -> Layout:
    """A PDF by its content (%PDF-), anything else as extracted text."""
    path = Path(path)
    with open(path, "rb") as handle:
        is_pdf = b"%PDF-" in handle.read(1024)  # a few bytes may precede the header
    return read_pdf(path) if is_pdf else read_text(path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m budgetlint.importer.layout FILE.pdf|FILE.txt", file=sys.stderr)
        return 2
    try:
        layout = read_layout(args[0])
    except (OSError, LayoutError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    json.dump(layout.to_dict(), sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
