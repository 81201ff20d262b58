"""The identities a disclosure prints, as equalities over its table cells (for text_solve).

Only identities the rules hold a disclosure to (rules/arithmetic.rules, rules/cross_table.rules)
or that the document states in words:
- each row: 合计 = Σ its parts (ARITH-03/05/06; the 三公 total; the 财政拨款收支总表's three budgets);
- down each column: 合计 = Σ类, 类 = Σ款, 款 = Σ项 by code (ARITH-03T/04/06); the 财政拨款收支总表's
  本年支出 = Σ its 类 lines and 支出总计 = 本年支出 + 结转下年;
- across tables: the 部门收入总表's 合计 row = the 收支预算总表's income lines (XT-02); the
  财政拨款收支总表's 一般公共预算 column = the 一般公共预算支出表 (XT-04); a 政府性基金 / 国有资本经营
  table printed empty under its note (注：若为空表，则为该部门（单位）无政府性基金收支) makes that budget's
  column empty everywhere;
- the text: the “三公” section's items = the 三公 table's line for the unit (SG-/XT- rules compare them).
A cell of a row printed whole is a constant; a cell of a short row is the unknown being placed.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

from .source import pointer
from .text_solve import ZERO, Constraint, Short, units

REVENUE_TOP = ["carryover", "fiscal_subtotal", "education_fees", "business_income", "operating_income",
               "affiliated_income", "superior_subsidy", "other_income", "non_fiscal_balance"]  # fmt: skip
BUDGETS = ["general_budget", "government_fund", "state_capital"]
ROW_SUMS = {
    "functional": [("total", ["basic", "project"])],
    "basic_expenditure": [("total", ["personnel", "public"])],
    "revenue": [("total", REVENUE_TOP), ("fiscal_subtotal", BUDGETS)],
    "three_public": [
        ("total", ["outbound", "reception", "vehicle_subtotal"]),
        ("total", ["outbound", "reception", "vehicle_operation", "vehicle_purchase"]),
        ("vehicle_subtotal", ["vehicle_operation", "vehicle_purchase"]),
    ],
    "fiscal_summary": [("total", BUDGETS)],
}
FUNCTIONAL = ("expenditure", "general_budget", "government_fund", "state_capital")
CODED = (*FUNCTIONAL, "revenue", "basic_expenditure")
# the budget_summary's income lines and the revenue table's columns they equal (XT-02)
SUMMARY_TO_REVENUE = [("income/fiscal", "fiscal_subtotal"), ("non_fiscal_balance", "non_fiscal_balance"),
                      ("carryover", "carryover")] + [
    (f"income/{k}", k) for k in (*BUDGETS, "education_fees", "business_income", "operating_income",
                                 "affiliated_income", "superior_subsidy", "other_income")]  # fmt: skip
THREE_PUBLIC_ITEMS = {"outbound": ["outbound"], "reception": ["reception"],
                      "vehicle_purchase": ["vehicle_purchase"], "vehicle_operation": ["vehicle_operation"],
                      "vehicles": ["vehicle_operation", "vehicle_purchase"]}  # fmt: skip


class Builder:
    def __init__(self, shorts: dict[str, Short]):
        self.shorts = shorts
        self.out: list[Constraint] = []

    def equal(self, name: str, left: list[tuple[str, dict, str]], right: list[tuple[str, dict, str]],
              constant: Decimal | None = None) -> None:  # fmt: skip
        """Σ left cells = Σ right cells (+ constant), each cell (row pointer, row, key)."""
        if units(constant) is None:
            return  # a figure printed finer than the solver counts: no identity from it
        c = Constraint(name, [], -(units(constant) or 0))
        for cells, sign in ((left, 1), (right, -1)):
            for where, item, key in cells:
                short = self.shorts.get(where)
                if short is not None:
                    if key in short.index:
                        c.terms.append((short, key, sign))
                elif item is not None:
                    value = units(item.get(key))
                    if value is None:
                        return  # a figure printed finer than the solver counts: no identity from it
                    c.const += sign * value
        if c.terms:
            self.out.append(c)


def _keys(table: dict) -> list[str]:
    return [c["key"] for c in table.get("columns") or []]


def _rows(kind: str, table: dict) -> list[tuple[str, dict]]:
    path = kind.split("/")  # other/0: a table of tables.other
    out = [(pointer("tables", *path, "total"), table["total"])] if table.get("total") else []
    return out + [(pointer("tables", *path, "rows", i), row) for i, row in enumerate(table.get("rows") or [])]


def _row_sums(b: Builder, kind: str, rows: list[tuple[str, dict]], keys: list[str]) -> None:
    shape = "functional" if kind in FUNCTIONAL else kind
    for left, parts in ROW_SUMS.get(shape, []):
        printed = [k for k in parts if k in keys]
        if left not in keys or not printed or (kind == "three_public" and len(printed) < len(parts)):
            continue
        for where, row in rows:
            b.equal(f"{kind} row: {left} = {' + '.join(printed)}", [(where, row, left)],
                    [(where, row, k) for k in printed])  # fmt: skip


def _down_columns(b: Builder, kind: str, table: dict, keys: list[str]) -> None:
    rows = _rows(kind, table)
    coded = [(w, r) for w, r in rows if r.get("code")]
    levels = (3, 5) if kind == "basic_expenditure" else (3, 5, 7)
    groups: list[tuple[str, tuple[str, dict], list[tuple[str, dict]]]] = []
    if table.get("total"):
        groups.append(("合计 = Σ类", rows[0], [(w, r) for w, r in coded if len(r["code"]) == levels[0]]))
    for upper, lower in pairwise(levels):
        for w, r in coded:
            if len(r["code"]) == upper:
                children = [
                    (cw, c) for cw, c in coded if len(c["code"]) == lower and c["code"].startswith(r["code"])
                ]
                if children:
                    groups.append((f"{r['code']} = Σ下级", (w, r), children))
    for name, (where, row), children in groups:
        for key in keys:
            b.equal(f"{kind} {name} ({key})", [(where, row, key)], [(w, c, key) for w, c in children])


def _summary_lines(s: dict) -> list[tuple[str, dict]]:
    """The 财政拨款收支总表's expenditure lines with their pointers: totals first, then the 类 lines."""
    base = "/tables/fiscal_summary"
    keys = ("expenditure_total", "carry_forward", "expenditure_grand_total")
    out = [(f"{base}/{k}", s[k]) for k in keys if s.get(k)]
    return out + [(f"{base}/expenditure/{i}", line) for i, line in enumerate(s.get("expenditure") or [])]


def _fiscal_summary(b: Builder, tables: dict) -> None:
    s = tables.get("fiscal_summary")
    if not s:
        return
    keys = _keys(s)
    lines = _summary_lines(s)
    _row_sums(b, "fiscal_summary", lines, keys)
    named = {where.rsplit("/", 1)[-1]: (where, line) for where, line in lines if "/expenditure/" not in where}
    classes = [(where, line) for where, line in lines if "/expenditure/" in where]
    total, forward, grand = (
        named.get(k) for k in ("expenditure_total", "carry_forward", "expenditure_grand_total")
    )
    for key in keys:
        if total:
            b.equal(
                f"fiscal_summary 本年支出 = Σ类 ({key})", [(*total, key)], [(w, r, key) for w, r in classes]
            )
        if total and grand:
            parts = [(*total, key)] + ([(*forward, key)] if forward else [])
            b.equal(f"fiscal_summary 支出总计 = 本年支出 + 结转下年 ({key})", [(*grand, key)], parts)
    g = tables.get("general_budget")
    if not g or "general_budget" not in keys:
        return
    if total and g.get("total"):
        b.equal(
            "XT-04: 本年支出 一般公共预算 = 一般公共预算支出表合计",
            [(*total, "general_budget")],
            [("/tables/general_budget/total", g["total"], "total")],
        )
    by_name = {r["name"]: (w, r) for w, r in _rows("general_budget", g) if len(r.get("code") or "") == 3}
    for where, line in classes:
        if line.get("label") in by_name:
            b.equal(
                f"XT-04: {line['label']} 一般公共预算 = 一般公共预算支出表",
                [(where, line, "general_budget")],
                [(*by_name[line["label"]], "total")],
            )


def _summary_to_revenue(b: Builder, tables: dict) -> None:
    s, r = tables.get("budget_summary"), tables.get("revenue")
    if not s or not r or not r.get("total"):
        return
    for path, key in SUMMARY_TO_REVENUE:
        node = s
        for part in path.split("/"):
            node = (node or {}).get(part)
        if node is not None and key in _keys(r):
            b.equal(
                f"XT-02: 部门收入总表合计行 {key} = 收支预算总表「{node.get('label')}」",
                [("/tables/revenue/total", r["total"], key)],
                [],
                node.get("amount") or ZERO,
            )


def _empty_budget_tables(b: Builder, tables: dict) -> None:
    for kind in ("government_fund", "state_capital"):
        t = tables.get(kind)
        note = (t or {}).get("note") or ""
        if not t or t.get("rows") or t.get("total") or "空表" not in note:
            continue
        name = f"{t.get('title')}为空表（{note}）"
        others = [("revenue", tables.get("revenue")), ("fiscal_summary", tables.get("fiscal_summary"))]
        others += [(f"other/{n}", o) for n, o in enumerate(tables.get("other") or [])]
        for other, o in others:
            if not o or kind not in _keys(o):
                continue
            rows = _summary_lines(o) if other == "fiscal_summary" else _rows(other, o)
            for where, row in rows:
                b.equal(name, [(where, row, kind)], [])


def _three_public_text(b: Builder, doc: dict) -> None:
    t = (doc.get("tables") or {}).get("three_public")
    text = (doc.get("narrative") or {}).get("three_public") or {}
    if not t or t.get("amount_unit") != "万元":
        return
    if t.get("total"):
        where, row = "/tables/three_public/total", t["total"]
    elif len(t.get("rows") or []) == 1:
        where, row = "/tables/three_public/rows/0", t["rows"][0]
    else:
        return
    for item in text.get("items") or []:
        keys = [k for k in THREE_PUBLIC_ITEMS.get(item.get("key"), []) if k in _keys(t)]
        if keys and item.get("amount") is not None:
            name = f"“三公”经费说明：{item.get('name')} {item['amount']} 万元"
            b.equal(name, [(where, row, k) for k in keys], [], item["amount"])


def constraints_of(doc: dict, shorts: dict[str, Short]) -> list[Constraint]:
    b = Builder(shorts)
    tables = doc.get("tables") or {}
    for kind, table in tables.items():
        if kind in CODED or kind == "three_public":
            _row_sums(b, kind, _rows(kind, table), _keys(table))
        if kind in CODED:
            _down_columns(b, kind, table, _keys(table))
    _fiscal_summary(b, tables)
    _summary_to_revenue(b, tables)
    _empty_budget_tables(b, tables)
    _three_public_text(b, doc)
    from .text_other import other_identities

    other_identities(b, tables)
    return b.out
