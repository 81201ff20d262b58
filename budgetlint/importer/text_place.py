"""Placing the figures of short text rows once every table (and the narrative) has been read.

textrows leaves a row that prints fewer figures than its table has columns pending; here the
document's identities (text_identities) decide, through text_solve, which columns its figures are
in. A figure is placed only when every placement consistent with the identities puts it in the
same column; the source map records which identities decided (`placed`). Every other figure is
reported (IMPORT-01) with the columns it could be in — never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rows import parse_amount
from .source import Trace
from .text_solve import Short, solve


@dataclass(eq=False)
class Pending:
    where: str  # the row's JSON Pointer
    keys: list[str]  # the table's columns in printed order
    figures: list[str]  # the printed figures, in printed order
    row: object  # the layout Row (page, line, text)
    item: dict  # the row's model, its cells None until placed
    ordered: bool = True  # whether the header vouches for the columns' printed order


def place_pending(document: dict, pending: list[Pending], trace: Trace) -> list[str]:
    """Place what the identities determine, report the rest; the identities set aside (broken)."""
    from .text_identities import constraints_of

    shorts = {p.where: Short(p.where, p.keys, [parse_amount(f) for f in p.figures]) for p in pending}
    for p in pending:
        if not p.ordered:
            shorts[p.where].domain = []  # no order to choose in: every figure is reported
    broken = solve(constraints_of(document, shorts)) if shorts else []
    for p in pending:
        short = shorts[p.where]
        how = "identity: " + "; ".join(sorted(short.used)) if short.used else "identity"
        for n, text in enumerate(p.figures):
            columns = short.columns(n)
            row = p.row
            if len(columns) == 1:
                key = p.keys[columns.pop()]
                p.item[key] = trace.amount(f"{p.where}/{key}", text, row.page, row.line, row.text)
                trace.how(f"{p.where}/{key}", how)
                continue
            if not p.ordered:
                why = f"{p.where}: the header does not vouch for its columns' printed order (no number line)"
                trace.report("IMPORT-01", row.page, row.line, text, why)
                continue
            could = "、".join(p.keys[j] for j in sorted(columns)) if columns else "none consistent"
            trace.report(
                "IMPORT-01", row.page, row.line, text,
                f"{p.where}: the text prints {len(p.figures)} figures under {len(p.keys)} columns and "
                f"the document's identities leave this one's column open ({could})",
            )  # fmt: skip
    return broken
