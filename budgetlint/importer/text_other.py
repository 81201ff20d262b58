"""Text tables printed outside the template's kinds (the seed's 支出预算总表 and 财政拨款预算表), kept
under tables.other as {title, …, columns, total, rows: [{name, <column>: figure}]}.

Their columns are known by their captions (合计, 结转下年, 财政拨款, the three budgets); a caption
that is none of them leaves the table unread (IMPORT-03). Short rows wait for the identities
(text_identities: the rows are 类 lines that the 收支预算总表 and the 财政拨款收支总表 print too).
"""

from __future__ import annotations

from .build import issuer
from .model import Table
from .patterns import AMOUNT
from .source import Trace, pointer
from .text_place import Pending
from .textrows import tokens_of

CAPTIONS = [
    ("结转下年", "carry_forward"),
    ("一般公共预算", "general_budget"),
    ("政府性基金", "government_fund"),
    ("国有资本", "state_capital"),
    ("财政拨款", "fiscal"),
    ("合计", "total"),
]
_TOTAL = ("合计", "总计")


def _columns(table: Table) -> tuple[list[dict], list[dict]] | None:
    """(key_columns, columns) from the header's first line, or None when a caption is unknown."""
    if not table.header:
        return None
    keys, columns = [], []
    for token in table.header[0]:
        if "名称" in token:
            keys.append({"key": "name", "label": token, "marker": None})
            continue
        key = next((k for word, k in CAPTIONS if word in token), None)
        if key is None or key in [c["key"] for c in columns]:
            return None
        columns.append({"key": key, "label": token, "number": None})
    return keys, columns


def other_table(table: Table, n: int, trace: Trace, pending: list) -> dict | None:
    found = _columns(table)
    if found is None or not found[1]:
        return None
    key_columns, columns = found
    base = pointer("tables", "other", n)
    trace.at(f"{base}/title", table.pages[0], table.title_line, table.title or "")
    out = {"title": table.title, "issuer": issuer(table), "amount_unit": table.unit, "note": None}
    out |= {"year_label": None, "key_columns": key_columns, "columns": columns, "total": None, "rows": []}
    for row in table.header[1:]:
        if row and row[0] == "**":
            key_columns[0]["marker"] = "**" if key_columns else None
            numbers = [t for t in row if t.isdigit()]
            if len(numbers) == len(columns):
                for j, (column, number) in enumerate(zip(columns, numbers, strict=True)):
                    column["number"] = int(number)
                    trace.at(f"{base}/columns/{j}/number", table.pages[0], None, " ".join(row))
    keys = [c["key"] for c in columns]
    for row in table.rows:
        tokens = tokens_of(row.cells)
        figures = [t for t in tokens if AMOUNT.match(t)]
        name = "".join(t for t in tokens if t not in figures)
        if name in _TOTAL:
            where, item = f"{base}/total", {"label": name}
        else:
            where, item = f"{base}/rows/{len(out['rows'])}", {"name": name}
        trace.at(where, row.page, row.line, row.text)
        for key in keys:
            item[key] = None
        if len(figures) == len(keys):
            for key, text in zip(keys, figures, strict=True):
                item[key] = trace.amount(f"{where}/{key}", text, row.page, row.line, row.text)
                trace.how(f"{where}/{key}", "printed position")
        elif figures:
            pending.append(Pending(where, list(keys), figures, row, item))
        if "label" in item:
            out["total"] = item
        else:
            out["rows"].append(item)
    return out


def other_identities(b, tables: dict) -> None:
    """The other tables' rows against the same 类 lines of the 收支预算总表 (合计 column, 结转下年) and
    of the 财政拨款收支总表 (财政拨款 = its 合计, and each budget), and each row's 财政拨款 = Σ budgets."""
    summary, fiscal = tables.get("budget_summary") or {}, tables.get("fiscal_summary") or {}
    for n, t in enumerate(tables.get("other") or []):
        keys = [c["key"] for c in t.get("columns") or []]
        base = f"/tables/other/{n}"
        rows = ([(f"{base}/total", t["total"])] if t.get("total") else []) + [
            (f"{base}/rows/{i}", r) for i, r in enumerate(t.get("rows") or [])
        ]
        budgets = [k for k in ("general_budget", "government_fund", "state_capital") if k in keys]
        for where, row in rows:
            name = f"{t.get('title')} {row.get('name') or row.get('label')}"
            if "fiscal" in keys and budgets:
                b.equal(
                    f"{name}: 财政拨款 = {' + '.join(budgets)}",
                    [(where, row, "fiscal")],
                    [(where, row, k) for k in budgets],
                )
            total = "label" in row
            line = _line(summary, "/tables/budget_summary", row, total)
            if line and "total" in keys:
                b.equal(
                    f"{name} = 收支预算总表「{line[1].get('label')}」",
                    [(where, row, "total")],
                    [(*line, "amount")],
                )
            forward = summary.get("carry_forward")
            if total and forward and "carry_forward" in keys:
                said = f"{name} 结转下年 = 收支预算总表「{forward.get('label')}」"
                theirs = [("/tables/budget_summary/carry_forward", forward, "amount")]
                b.equal(said, [(where, row, "carry_forward")], theirs)
            line = _line(fiscal, "/tables/fiscal_summary", row, total)
            for key, theirs in (("fiscal", "total"), *((k, k) for k in budgets)):
                if line and key in keys:
                    b.equal(
                        f"{name} {key} = 财政拨款收支总表「{line[1].get('label')}」",
                        [(where, row, key)],
                        [(*line, theirs)],
                    )


def _line(summary: dict, base: str, row: dict, total: bool) -> tuple[str, dict] | None:
    """The summary's line for the row: its 本年支出 line for a 合计 row, else the 类 line of its name."""
    if total:
        return (
            (f"{base}/expenditure_total", summary["expenditure_total"])
            if summary.get("expenditure_total")
            else None
        )
    for i, line in enumerate(summary.get("expenditure") or []):
        if line.get("label") == row.get("name"):
            return f"{base}/expenditure/{i}", line
    return None
