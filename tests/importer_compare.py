"""Comparing an imported document with a hand transcription, figure by figure, by JSON Pointer.

Rows are keyed by their code (functional and economic tables) and the lines of a 收支总表's
expenditure side by their label, so that a row the importer could not read does not shift the
pointers of the rows after it.
"""

from __future__ import annotations

from decimal import Decimal


def _keyed(value, base: str, out: dict) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _keyed(item, f"{base}/{key}", out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            name = i
            if isinstance(item, dict) and "code" in item and item.get("code"):
                name = f"code={item['code']}"
            elif isinstance(item, dict) and "label" in item and base.endswith("/expenditure"):
                name = f"label={item['label']}"
            _keyed(item, f"{base}/{name}", out)
    else:
        out[base] = value


def leaves(value, base: str) -> dict:
    out: dict = {}
    _keyed(value, base, out)
    return out


def is_figure(value) -> bool:
    return isinstance(value, (Decimal, int, float)) and not isinstance(value, bool)


def compare_figures(imported: dict, oracle: dict, part: str) -> tuple[int, list[str], list[str]]:
    """(figures equal, differences, oracle figures the import lacks) under /part."""
    got, want = leaves(imported.get(part, {}), "/" + part), leaves(oracle.get(part, {}), "/" + part)
    equal, differences, missing = 0, [], []
    for pointer, value in want.items():
        if not is_figure(value):
            continue
        if pointer not in got or got[pointer] is None:
            missing.append(f"{pointer}: printed {value}, not imported")
        elif not is_figure(got[pointer]) or str(got[pointer]) != str(value):
            differences.append(f"{pointer}: imported {got[pointer]!r}, hand transcription {value}")
        else:
            equal += 1
    for pointer, value in got.items():
        if is_figure(value) and pointer not in want:
            differences.append(f"{pointer}: imported {value}, absent from the hand transcription")
    return equal, differences, missing
