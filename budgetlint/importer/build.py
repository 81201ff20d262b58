"""Model tables from layout tables whose cells sit in their columns (PDF: ruled or word positions).

Each builder reads the header's meaning (rows.column_key) to know which column is a code part, the
name, or which amount; every figure goes through Trace.amount, which records its page and line.
A figure in a column whose meaning is not known, or a row that is neither a code row nor a total,
is an import finding, never placed by guess.
"""

from __future__ import annotations

import re

from . import rows as R
from .model import Layout, Table
from .source import Trace, pointer

_UNIT_TAIL = re.compile(r"\s*(?:金额)?单位\s*[:：]\s*(?:亿元|千元|万元|元)\s*$")
_CODE_IN_ISSUER = re.compile(r"^\s*[\[【]\s*(\d+)\s*[\]】]\s*(.*)$")
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计)$")
CODE_PARTS = ("类", "款", "项")


def issuer(table: Table) -> dict | None:
    if not table.header_line:
        return None
    text = _UNIT_TAIL.sub("", table.header_line).strip()
    if not text:
        return None
    out: dict = {"text": text}
    name = table.issuer if table.issuer is not None else text
    match = _CODE_IN_ISSUER.match(name)
    if match:
        out["code"], name = match.group(1), match.group(2).strip()
    if (name and name != text) or table.issuer is not None:
        out["name"] = name
    return out


def note(layout: Layout, table: Table) -> str | None:
    """The 注… line printed right under the table, on its last page."""
    page = layout.page(table.pages[-1])
    last = max((r.line or 0 for r in table.rows if r.page == page.number), default=0)
    for line in page.lines[last : last + 3]:
        if line.text.startswith("注"):
            return line.text
    return None


class Columns:
    """The roles of a positioned table's columns: code parts, the name, amounts by key."""

    def __init__(self, table: Table, keys: list):
        self.code: list[int] = []
        self.name: int | None = None
        self.amounts: dict[int, str] = {}
        self.unknown: list[int] = []
        self.paths = table.columns
        for j, path in enumerate(table.columns):
            inner = R._squash(path[-1]) if path else ""
            whole = R._squash("".join(path))
            coded = "编码" in inner or "代码" in inner or (inner and "编码" in whole and "名称" not in inner)
            if inner in CODE_PARTS or coded:
                self.code.append(j)
            elif "名称" in inner or inner in ("项目", "科目"):
                self.name = j
            else:
                key = R.column_key(path, keys)
                if key is None or key in self.amounts.values():
                    self.unknown.append(j)
                else:
                    self.amounts[j] = key

    def label(self, j: int) -> str:
        return self.paths[j][-1] if self.paths[j] else ""

    def group(self, j: int) -> str | None:
        return self.paths[j][-2] if len(self.paths[j]) > 1 else None


def year_label(cols: Columns) -> str | None:
    outer = {cols.paths[j][0] for j in cols.amounts if len(cols.paths[j]) > 1}
    if len(outer) == 1 and all(len(cols.paths[j]) > 1 for j in cols.amounts):
        return outer.pop()
    return None


def column_list(cols: Columns, caption: str | None) -> list[dict]:
    out = []
    for j, key in cols.amounts.items():
        item = {"key": key, "label": cols.label(j), "number": None}
        group = cols.group(j)
        if group and group != caption:
            item["group"] = group
        out.append(item)
    return out


def key_columns(cols: Columns, code_key: str = "code", name_key: str = "name") -> list[dict]:
    out = []
    if cols.code:
        path = cols.paths[cols.code[0]]
        parts = path[:-1] if path and R._squash(path[-1]) in CODE_PARTS else path
        item = {"key": code_key, "label": parts[-1] if parts else "", "marker": None}
        if len(parts) > 1:
            item["group"] = parts[0]
        out.append(item)
    if cols.name is not None:
        path = cols.paths[cols.name]
        item = {"key": name_key, "label": path[-1] if path else "", "marker": None}
        if len(path) > 1:
            item["group"] = path[0]
        out.append(item)
    return out


def _head(table: Table, kind: str, trace: Trace, layout: Layout) -> dict:
    base = pointer("tables", kind)
    trace.at(base + "/title", table.pages[0], table.title_line, table.title or "")
    return {
        "title": table.title,
        "issuer": issuer(table),
        "amount_unit": table.unit,
        "note": note(layout, table),
    }


def _unplaced(trace: Trace, cols: Columns, row, where: str) -> None:
    for j in cols.unknown:
        if j < len(row.cells) and row.cells[j].strip():
            trace.report(
                "IMPORT-01",
                row.page,
                row.line,
                row.cells[j],
                f"{where}: a figure under a column whose meaning is not known ({' / '.join(cols.paths[j])})",
            )


def classified(table: Table, kind: str, trace: Trace, layout: Layout) -> dict:
    """A functional, revenue or economic table: code rows and a 合计 row."""
    keys = R.COLUMN_KEYS[kind]
    cols = Columns(table, keys)
    out = _head(table, kind, trace, layout)
    caption = year_label(cols)
    out["year_label"] = caption
    out["key_columns"] = key_columns(cols)
    out["columns"] = column_list(cols, caption)
    out["total"] = None
    out["rows"] = []
    base = pointer("tables", kind)
    for row in table.rows:
        cells = row.cells
        parts = [cells[j] for j in cols.code if j < len(cells)]
        name = cells[cols.name].strip() if cols.name is not None and cols.name < len(cells) else ""
        label = next((c.strip() for c in cells if c.strip()), "")
        if _TOTAL.match(R._squash(label)) and not any(parts[1:]) and not R.is_code(label):
            where = base + "/total"
            item = {"label": label}
        else:
            code = R.join_code(parts)
            if code is None:
                trace.report(
                    "IMPORT-05", row.page, row.line, row.text, f"{table.title}: a row without a code"
                )
                continue
            where = pointer("tables", kind, "rows", len(out["rows"]))
            item = {"code": code[0], "printed_code": code[1], "name": name}
        trace.at(where, row.page, row.line, row.text)
        for j, key in cols.amounts.items():
            item[key] = trace.amount(
                f"{where}/{key}", cells[j] if j < len(cells) else "", row.page, row.line, row.text
            )
        _unplaced(trace, cols, row, table.title or kind)
        if "label" in item:
            out["total"] = item
        else:
            out["rows"].append(item)
    return out


def three_public(table: Table, trace: Trace, layout: Layout) -> dict:
    kind = "three_public"
    cols = Columns(table, R.THREE_PUBLIC)
    out = _head(table, kind, trace, layout)
    out["year_label"] = None
    out["key_columns"] = key_columns(cols, "dept_code", "dept_name")
    columns = []
    for j, key in cols.amounts.items():
        item = {"key": key, "label": cols.label(j), "number": None}
        group = cols.group(j)
        if group:
            item["group"] = group
        columns.append(item)
    out["columns"] = columns
    out["total"] = None
    out["rows"] = []
    base = pointer("tables", kind)
    for row in table.rows:
        cells = row.cells
        first = next((c.strip() for c in cells if c.strip()), "")
        if R.is_amount(first) and cols.name is None and not cols.code:
            where, item = base + "/total", {}  # one line of figures with no label: the total
        elif _TOTAL.match(R._squash(first)):
            where, item = base + "/total", {"label": first}
        else:
            code = " ".join(cells[j] for j in cols.code if j < len(cells)).strip()
            name = cells[cols.name].strip() if cols.name is not None else ""
            where = pointer("tables", kind, "rows", len(out["rows"]))
            item = {"dept_code": code, "dept_name": name}
        trace.at(where, row.page, row.line, row.text)
        for j, key in cols.amounts.items():
            item[key] = trace.amount(
                f"{where}/{key}", cells[j] if j < len(cells) else "", row.page, row.line, row.text
            )
        _unplaced(trace, cols, row, table.title or kind)
        if where.endswith("/total"):
            out["total"] = item
        else:
            out["rows"].append(item)
    return out


def _sides(table: Table) -> tuple[list[int], list[int]]:
    """The columns of the income side and of the expenditure side (by the outermost caption)."""
    income, spending = [], []
    for j, path in enumerate(table.columns):
        outer = R._squash(path[0]) if path else ""
        if "收入" in outer:
            income.append(j)
        elif "支出" in outer or spending:
            spending.append(j)
        else:
            income.append(j)
    return income, spending


def _side_caption(table: Table, side: list[int], amounts: list[int]) -> dict:
    label_path = table.columns[side[0]] or [""]  # a label column printed without a header: ""
    item = {"label": label_path[0], "item_label": label_path[-1]}
    if len(amounts) == 1:
        path = table.columns[amounts[0]]
        item["amount_label"] = path[-1] if len(path) > 1 else None
    else:
        inner = {table.columns[j][1] for j in amounts if len(table.columns[j]) > 2}
        item["amount_label"] = inner.pop() if len(inner) == 1 else None
    return item


def summary(table: Table, kind: str, trace: Trace, layout: Layout) -> dict:
    """A two-sided 收支总表: budget_summary (财务收支预算总表 / 收支预算总表) or fiscal_summary."""
    fiscal = kind == "fiscal_summary"
    income, spending = _sides(table)
    out = _head(table, kind, trace, layout)
    out["year_label"] = None
    base = pointer("tables", kind)
    if len(income) < 2 or len(spending) < 2:
        trace.report(
            "IMPORT-05",
            table.pages[0],
            table.title_line,
            table.title or "",
            f"{table.title}: the income and expenditure sides were not found",
        )
        return out
    in_label, in_amount = income[0], income[1]
    out_label, out_amounts = spending[0], spending[1:]
    keys = R.FISCAL_COLUMNS if fiscal else R.SUMMARY_EXPENDITURE
    spend_keys = {j: R.column_key(table.columns[j], keys) for j in out_amounts}
    out["sides"] = {
        "income": _side_caption(table, income, [in_amount]),
        "expenditure": _side_caption(table, spending, out_amounts),
    }
    if fiscal:
        out["columns"] = [
            {"key": k, "label": table.columns[j][-1], "number": None} for j, k in spend_keys.items() if k
        ]
    out["income"] = {}
    out["expenditure"] = []
    lines = R.FISCAL_INCOME_LINES if fiscal else R.INCOME_LINES
    for row in table.rows:
        cells = row.cells + [""] * (table.width - len(row.cells))
        label = cells[in_label].strip()
        if label:
            key = R.line_key(label, lines)
            if key is None:
                trace.report(
                    "IMPORT-05", row.page, row.line, label, f"{table.title}: an income line not recognised"
                )
            else:
                top = key in ("income_total", "income_grand_total", "non_fiscal_balance") or (
                    key == "carryover" and not fiscal
                )
                where = base + (f"/{key}" if top else f"/income/{key}")
                trace.at(where, row.page, row.line, row.text)
                item = {
                    "label": label,
                    "amount": trace.amount(where + "/amount", cells[in_amount], row.page, row.line, row.text),
                }
                (out.__setitem__(key, item) if top else out["income"].__setitem__(key, item))
        elif cells[in_amount].strip():
            trace.report(
                "IMPORT-01", row.page, row.line, cells[in_amount], f"{table.title}: a figure without a label"
            )
        label = cells[out_label].strip()
        figures = [j for j in out_amounts if cells[j].strip()]
        if not label:
            for j in figures:
                trace.report(
                    "IMPORT-01", row.page, row.line, cells[j], f"{table.title}: a figure without a label"
                )
            continue
        key = R.line_key(label, R.EXPENDITURE_TOTAL_LINES)
        if key is None:
            where = f"{base}/expenditure/{len(out['expenditure'])}"
            item = {"label": label, "code": None}
        else:
            where, item = f"{base}/{key}", {"label": label}
        trace.at(where, row.page, row.line, row.text)
        for j in out_amounts:
            k = spend_keys[j]
            if k is None:
                if cells[j].strip():
                    trace.report(
                        "IMPORT-01", row.page, row.line, cells[j], f"{table.title}: a column not recognised"
                    )
                continue
            item[k] = trace.amount(f"{where}/{k}", cells[j], row.page, row.line, row.text)
        if key is None:
            out["expenditure"].append(item)
        else:
            out[key] = item
    return out
