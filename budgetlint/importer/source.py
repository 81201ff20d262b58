"""Where each imported value was printed, and what could not be placed.

`Trace` collects, while a document is built, a location for every JSON Pointer that holds a printed
figure or label ({page, line, text}), and the import findings: text the importer saw but could not
place in the model. A finding is never a guess: it names the page, the line and the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from budgetlint.findings import escape_pointer_token

from .rows import NotAnAmount, parse_amount

# Import rule ids, severity by consequence.
IMPORT_RULES = {
    "IMPORT-01": ("error", "a printed figure could not be placed in the model"),
    "IMPORT-02": ("warning", "a table of the template was not found"),
    "IMPORT-03": ("warning", "a table was not recognised and is not imported"),
    "IMPORT-04": ("info", "a narrative claim was not read"),
    "IMPORT-05": ("warning", "a row could not be read"),
}


@dataclass
class ImportFinding:
    rule: str
    page: int | None
    line: int | None
    text: str
    message: str

    @property
    def severity(self) -> str:
        return IMPORT_RULES[self.rule][0]

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "page": self.page,
            "line": self.line,
            "text": self.text,
            "message": self.message,
        }


@dataclass
class Trace:
    locations: dict[str, dict] = field(default_factory=dict)
    findings: list[ImportFinding] = field(default_factory=list)
    placed: int = 0  # figures placed in the model

    def at(self, pointer: str, page: int | None, line: int | None, text: str) -> None:
        self.locations[pointer] = {"page": page, "line": line, "text": text or ""}

    def amount(self, pointer: str, cell: str, page: int | None, line: int | None, row_text: str):
        """The cell's figure (None when empty), its place recorded; a cell that is not a figure
        is an import finding, and None."""
        try:
            value = parse_amount(cell)
        except NotAnAmount:
            self.report("IMPORT-01", page, line, cell, f"not a figure where one belongs ({pointer})")
            return None
        if value is not None:
            self.placed += 1
            self.at(pointer, page, line, row_text)
        return value

    def how(self, pointer: str, placed: str) -> None:
        """How a located figure was put in its column: by its printed position, or — a text row
        printing fewer figures than columns — by the identities that rule out every other column."""
        if pointer in self.locations:
            self.locations[pointer]["placed"] = placed

    def report(self, rule: str, page: int | None, line: int | None, text: str, message: str) -> None:
        self.findings.append(ImportFinding(rule, page, line, text, message))


def pointer(*parts) -> str:
    return "".join("/" + escape_pointer_token(str(p)) for p in parts)


def figures(value, base: str = "") -> list[tuple[str, Decimal]]:
    """Every (pointer, number) under value (booleans excluded)."""
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            out += figures(item, f"{base}/{escape_pointer_token(str(key))}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += figures(item, f"{base}/{i}")
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        out.append((base, value))
    return out
