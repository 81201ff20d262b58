"""Model tables from plain extracted text, where a row is its printed tokens and an empty cell
leaves no token (budgetlint.importer.text). Best effort, and never a guess about columns:

- a row that prints as many figures as the table has columns is placed column by column;
- a row that prints fewer places its first figure in the first column (合计: a part is never
  printed without its total) and reports every other figure as unplaced (IMPORT-01), since which
  column it sits in is not in the text;
- a code printed as its last part (01 under 208) is joined to the code of the row above it of the
  level above (20801), as the printed hierarchy reads; a whole code (2080109) is its own printed code.
"""

from __future__ import annotations

import re

from . import rows as R
from .build import issuer, note
from .model import Layout, Table
from .patterns import AMOUNT
from .source import Trace, pointer
from .text_header import revenue_columns
from .text_place import Pending

_GLUED = re.compile(r"^([-−]?\d[\d,]*\.\d+)(\D.*)$")
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计)$")


def tokens_of(cells: list[str]) -> list[str]:
    """The row's tokens, a figure glued to the next label (2,495.56一、本年支出) split in two."""
    out = []
    for cell in cells:
        match = _GLUED.match(cell)
        out.extend([match.group(1), match.group(2)] if match else [cell])
    return out


def header_columns(table: Table, keys: list) -> dict[str, str]:
    """key → the printed header token it was read from, in the header's order."""
    out: dict[str, str] = {}
    for row in table.header:
        for token in row:
            key = R.column_key([token], keys) if token else None
            if key and key not in out:
                out[key] = token
    return out


def numbered(table: Table, columns: list[dict], trace: Trace, kind: str) -> None:
    """Column numbers from the header's number line (** ** 1 2 3), when it numbers every column."""
    for row in table.header:
        if not row or row[0] != "**":
            continue
        numbers = [t for t in row if t.isdigit()]
        if len(numbers) == len(columns):
            for n, (column, number) in enumerate(zip(columns, numbers, strict=True)):
                column["number"] = int(number)
                trace.at(pointer("tables", kind, "columns", n, "number"), table.pages[0], None, " ".join(row))
        return


def confirmed(table: Table, printed: dict[str, str]) -> bool:
    """Whether the header vouches for the columns' printed order: its number line (** ** 1 2 3)
    counts exactly these columns, and their captions come in that order. A two-level header in
    plain text prints its upper level first, so without the count the order read is not known."""
    numbers = next((sum(t.isdigit() for t in row) for row in table.header if row and row[0] == "**"), None)
    if numbers != len(printed):
        return False
    places = [
        next((r, c) for r, row in enumerate(table.header) for c, t in enumerate(row) if t == label)
        for label in printed.values()
    ]
    return places == sorted(places)


def _place(
    trace: Trace,
    where: str,
    keys: list[str],
    figures: list[str],
    row,
    item: dict,
    pending,
    ordered: bool = True,
) -> None:
    """A row printing every column is placed by position; a shorter one waits for the document's
    identities to say which columns its figures are in (text_place), its cells empty meanwhile.
    When the header does not vouch for the columns' order, no figure is placed by position."""
    for key in keys:
        item[key] = None
    if not figures:
        return
    if not ordered and len(keys) > 1:
        pending.append(Pending(where, list(keys), list(figures), row, item, ordered=False))
        return
    if len(figures) == len(keys):
        for key, text in zip(keys, figures, strict=True):
            item[key] = trace.amount(f"{where}/{key}", text, row.page, row.line, row.text)
            trace.how(f"{where}/{key}", "printed position")
        return
    pending.append(Pending(where, list(keys), list(figures), row, item))


def _head(table: Table, kind: str, trace: Trace, layout: Layout) -> dict:
    trace.at(pointer("tables", kind, "title"), table.pages[0], table.title_line, table.title or "")
    return {
        "title": table.title,
        "issuer": issuer(table),
        "amount_unit": table.unit,
        "note": text_note(layout, table),
    }


def text_note(layout: Layout, table: Table) -> str | None:
    """The 注… line printed right above the title (the seed's template prints each note there),
    else the one right under the table unless a title follows it: then it is that table's note."""
    page = layout.page(table.pages[0])
    above = page.lines[table.title_line - 2].text if table.title_line and table.title_line > 1 else ""
    if above.startswith("注"):
        return above
    below = note(layout, table)
    if below is None:
        return None
    last = layout.page(table.pages[-1])
    titled = {t.title_line for t in layout.tables if t.pages[0] == last.number and t.title_line}
    at = next((i for i, line in enumerate(last.lines, 1) if line.text == below), None)
    return None if at is not None and at + 1 in titled else below


def classified(table: Table, kind: str, trace: Trace, layout: Layout, pending: list) -> dict:
    printed = header_columns(table, R.COLUMN_KEYS[kind])
    keys = list(printed)
    out = _head(table, kind, trace, layout)
    out["columns"] = [{"key": k, "label": label, "number": None} for k, label in printed.items()]
    ordered = revenue_columns(table) if kind == "revenue" else None
    if ordered:  # the wrapped two-level header, its captions found in printed order
        out["columns"] = [
            {"key": c["key"], "label": c["label"], "number": None}
            | ({"group": c["group"]} if "group" in c else {})
            for c in ordered
        ]
        keys = [c["key"] for c in ordered]
    numbered(table, out["columns"], trace, kind)
    out["total"], out["rows"] = None, []
    if (kind == "revenue" and not ordered) or not keys:
        keys = ["total"]  # the wrapped header cells of a text layer give no reliable column order
    in_order = bool(ordered) or len(keys) == 1 or confirmed(table, printed)
    parents: dict[int, str] = {}
    for row in table.rows:
        tokens = tokens_of(row.cells)
        figures = [t for t in tokens if AMOUNT.match(t)]
        words = [t for t in tokens if t not in figures]
        if words and _TOTAL.match(words[0]):
            where, item = pointer("tables", kind, "total"), {"label": words[0]}
        elif words and R.is_code(words[0]) and len(words) >= 2:
            printed = words[0]
            code = printed
            if len(printed) == 2 and kind != "basic_expenditure" and 3 in parents:
                code = parents[3] + printed
            parents[len(code)] = code
            where = pointer("tables", kind, "rows", len(out["rows"]))
            item = {"code": code, "printed_code": printed, "name": "".join(words[1:])}
        else:
            trace.report(
                "IMPORT-05", row.page, row.line, row.text, f"{table.title}: a row not read (no code and name)"
            )
            for text in figures:
                trace.report(
                    "IMPORT-01", row.page, row.line, text, f"{table.title}: a figure on a row not read"
                )
            continue
        trace.at(where, row.page, row.line, row.text)
        _place(trace, where, keys, figures, row, item, pending, in_order)
        if "label" in item:
            out["total"] = item
        else:
            out["rows"].append(item)
    return out


def three_public(table: Table, trace: Trace, layout: Layout, pending: list) -> dict:
    printed = header_columns(table, R.THREE_PUBLIC)
    keys = list(printed) or ["total"]
    in_order = len(keys) == 1 or confirmed(table, printed)
    out = _head(table, "three_public", trace, layout)
    out["columns"] = [{"key": k, "label": label, "number": None} for k, label in printed.items()]
    numbered(table, out["columns"], trace, "three_public")
    out["total"], out["rows"] = None, []
    for row in table.rows:
        tokens = tokens_of(row.cells)
        figures = [t for t in tokens if AMOUNT.match(t)]
        words = [t for t in tokens if t not in figures]
        if words and _TOTAL.match(words[0]):
            where, item = "/tables/three_public/total", {"label": words[0]}
        else:
            code = words[0] if words and R.is_code(words[0]) else ""
            name = "".join(words[1:] if code else words)
            where = f"/tables/three_public/rows/{len(out['rows'])}"
            item = {"dept_code": code, "dept_name": name}
        trace.at(where, row.page, row.line, row.text)
        _place(trace, where, keys, figures, row, item, pending, in_order)
        (out.__setitem__("total", item) if "label" in item else out["rows"].append(item))
    return out


def summary(table: Table, kind: str, trace: Trace, layout: Layout, pending: list) -> dict:
    fiscal = kind == "fiscal_summary"
    out = _head(table, kind, trace, layout)
    out["income"], out["expenditure"] = {}, []
    lines = R.FISCAL_INCOME_LINES if fiscal else R.INCOME_LINES
    spend_keys = ["total", "general_budget", "government_fund", "state_capital"] if fiscal else ["amount"]
    header = "".join(t for r in table.header for t in r if t)
    at = [header.find(w) for w in ("合计", "一般公共预算", "政府性基金", "国有资本")]
    in_order = not fiscal or (-1 not in at and at == sorted(at))  # the header prints them in this order
    base = pointer("tables", kind)
    for row in table.rows:
        pairs: list[list] = []  # [label, figures]
        for token in tokens_of(row.cells):
            if AMOUNT.match(token) and pairs:
                pairs[-1][1].append(token)
            elif not AMOUNT.match(token):
                pairs.append([token, []])
            else:
                trace.report(
                    "IMPORT-01", row.page, row.line, token, f"{table.title}: a figure without a label"
                )
        for n, (label, figures) in enumerate(pairs):
            income_key = R.line_key(label, lines)
            spend_key = R.line_key(label, R.EXPENDITURE_TOTAL_LINES)
            income_side = n == 0 and income_key is not None and (len(pairs) > 1 or spend_key is None)
            if income_side:
                top = income_key in ("income_total", "income_grand_total", "non_fiscal_balance")
                top = top or (income_key == "carryover" and not fiscal)
                where = f"{base}/{income_key}" if top else f"{base}/income/{income_key}"
                item = {"label": label}
                trace.at(where, row.page, row.line, row.text)
                _place(trace, where, ["amount"], figures, row, item, pending)
                (out.__setitem__(income_key, item) if top else out["income"].__setitem__(income_key, item))
                continue
            if spend_key is None:
                where, item = f"{base}/expenditure/{len(out['expenditure'])}", {"label": label, "code": None}
            else:
                where, item = f"{base}/{spend_key}", {"label": label}
            trace.at(where, row.page, row.line, row.text)
            _place(trace, where, spend_keys, figures, row, item, pending, in_order)
            (out["expenditure"].append(item) if spend_key is None else out.__setitem__(spend_key, item))
    if fiscal:
        printed = header_columns(table, R.FISCAL_COLUMNS)
        out["columns"] = [{"key": k, "label": label, "number": None} for k, label in printed.items()]
    return out


def build_text_table(table: Table, kind: str, trace: Trace, layout: Layout, pending: list) -> dict:
    """The table's model; rows printing fewer figures than columns are appended to `pending`."""
    if kind in ("budget_summary", "fiscal_summary"):
        return summary(table, kind, trace, layout, pending)
    if kind == "three_public":
        return three_public(table, trace, layout, pending)
    return classified(table, kind, trace, layout, pending)
