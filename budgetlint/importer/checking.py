"""Importing a file for `budgetlint import` and `budgetlint check`: one clear error for a file that
is not a readable disclosure, and findings that point into the PDF.

A finding on an imported document is placed through source.locations: its `line:column` is the
PDF's `page:line` (the nearest located parent of the finding's JSON Pointer), and its message ends
with the page and the printed text it comes from. Import findings (IMPORT-01 …) are reported with
the rules' findings.
"""

from __future__ import annotations

from pathlib import Path

from budgetlint.findings import Finding

DISCLOSURE_SUFFIXES = (".pdf", ".txt")
SNIPPET = 60


class ImportFailure(Exception):
    """The file cannot be imported; str() is the one-line message, naming the file."""


def is_disclosure_file(path: str) -> bool:
    return path.lower().endswith(DISCLOSURE_SUFFIXES)


def import_path(path: str | Path, name: str | None = None):
    """The Imported document of a PDF or extracted text (raises ImportFailure)."""
    from .document import NotADisclosure, import_layout
    from .layout import LayoutError, read_layout

    name = name or str(path)
    path = Path(path)
    if path.is_dir():
        raise ImportFailure(f"{name}: error: is a directory, not a document")
    if path.suffix.lower() == ".pdf" and path.is_file():
        with open(path, "rb") as handle:
            head = handle.read(1024)
        if head and b"%PDF-" not in head:
            raise ImportFailure(f"{name}: error: not a PDF file (no %PDF- header)")
    try:
        layout = read_layout(path)
    except FileNotFoundError:
        raise ImportFailure(f"{name}: error: no such file") from None
    except PermissionError:
        raise ImportFailure(f"{name}: error: permission denied") from None
    except LayoutError as err:
        raise ImportFailure(f"{name}: error: {str(err).removeprefix(str(path) + ': ')}") from None
    except UnicodeDecodeError:
        raise ImportFailure(f"{name}: error: neither a PDF nor UTF-8 text") from None
    except OSError as err:
        raise ImportFailure(f"{name}: error: cannot read: {err.strerror or err}") from None
    except Exception as err:  # pdfminer raises many types on a damaged page
        raise ImportFailure(f"{name}: error: not a readable PDF ({type(err).__name__}: {err})") from None
    if not any(page.lines for page in layout.pages):
        what = "the PDF has no text layer (a scanned image?)" if layout.kind == "pdf" else "the file is empty"
        raise ImportFailure(f"{name}: error: {what}: nothing to import")
    try:
        return import_layout(layout, name)
    except NotADisclosure as err:
        raise ImportFailure(f"{name}: error: {str(err).removeprefix(name + ': ')}") from None


def _where(locations: dict, pointer: str) -> dict | None:
    while True:
        found = locations.get(pointer)
        if found is not None or not pointer:
            return found
        pointer = pointer.rsplit("/", 1)[0]


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def _key(where: dict) -> tuple:
    return (where["page"] or 10**6, where["line"] or 0)


def expanded(locations: dict) -> dict:
    """The locations, and for each parent pointer the first location under it (in document order)."""
    out = dict(locations)
    for pointer, where in locations.items():
        while pointer:
            pointer = pointer.rsplit("/", 1)[0]
            if pointer in out:
                if _key(where) < _key(out[pointer]):
                    out[pointer] = where
                continue
            out[pointer] = where
    out.pop("", None)
    return out


def document_of(imported, name: str):
    """A loaded Document whose positions are the PDF's page:line."""
    from budgetlint.loader import Document

    locations = expanded(imported.document.get("source", {}).get("locations", {}))
    positions = {p: (loc["page"] or 1, loc["line"] or 1) for p, loc in locations.items()}
    return Document(name, imported.document, "", "yaml", _yaml_positions=positions)


def locate(finding: Finding, locations: dict) -> Finding:
    """The finding with the page and the printed text it comes from added to its message."""
    where = _where(locations, finding.pointer) if finding.pointer else None
    if where is None or where.get("page") is None:
        return finding
    note = (
        f" (p. {where['page']}: 「{_snippet(where['text'])}」)"
        if where.get("text")
        else f" (p. {where['page']})"
    )
    return finding._replace(message=finding.message + note)


def import_findings(imported, name: str) -> list[Finding]:
    out = []
    for f in imported.findings:
        text = f"「{_snippet(f.text)}」" if f.text else ""
        page = f" (p. {f.page})" if f.page else ""
        message = f"{f.message}{page}: {text}" if text else f"{f.message}{page}"
        out.append(Finding(name, f.page or 1, f.line or 1, f.rule, f.severity, message))
    return out


def check_file(path: str, name: str, rulebook, settings, fingerprints: bool):
    """(findings, fingerprints or None) of an imported disclosure; raises ImportFailure."""
    from budgetlint.engine import check_document
    from budgetlint.findings import sorted_findings

    imported = import_path(path, name)
    doc = document_of(imported, name)
    locations = expanded(imported.document.get("source", {}).get("locations", {}))
    findings = [locate(f, locations) for f in check_document(doc, rulebook, settings=settings)]
    findings = sorted_findings(findings + import_findings(imported, name))
    prints = None
    if fingerprints:
        from budgetlint.baseline import fingerprint

        prints = tuple(fingerprint(doc.data, f) for f in findings)
    return tuple(findings), prints
