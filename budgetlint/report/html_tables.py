"""The tables of a document as the HTML report shows them: grids of cells, each with the JSON Pointer
of the value it prints, laid out as printed (code, name, then the table's printed `columns`; the two
summaries with income and expenditure side by side; the performance forms with their indicators).
"""

from __future__ import annotations

from budgetlint.report.html_document import _dict, _list, cell, child, show
from budgetlint.table_kinds import TABLE_KINDS

# captions of the 财务收支预算总表's expenditure columns, which the model does not record
_SPENDING_COLUMNS = (("basic", "基本支出"), ("personnel", "人员经费"), ("public", "公用经费"),
                     ("project", "项目支出"))  # fmt: skip
_SUMMARY_LEFT = ("income_total", "non_fiscal_balance", "carryover")
_SUMMARY_RIGHT = ("expenditure_total", "carry_forward")


def _caption(table: dict, pointer: str) -> dict:
    issuer = table.get("issuer")
    return {
        "title": cell(table.get("title"), child(pointer, "title"), "text"),
        "issuer": cell(
            _dict(issuer).get("text") if issuer is not None else None,
            child(pointer, "issuer"),
            "text",
            absent=issuer is None,
        ),
        "unit": cell(
            table.get("amount_unit"),
            child(pointer, "amount_unit"),
            "text",
            absent=table.get("amount_unit") is None,
        ),
        "year_label": show(table.get("year_label")),
        "note": cell(table.get("note"), child(pointer, "note"), "text") if table.get("note") else None,
    }


def _level(code) -> int:
    return {3: 0, 5: 1, 7: 2}.get(len(code), 0) if isinstance(code, str) else 0


def _row_grid(table: dict, pointer: str) -> dict:
    """A table of rows: key columns (code, name), then its printed columns; 合计 first, as printed."""
    columns = [c for c in _list(table.get("columns")) if isinstance(c, dict)]
    keys = [c for c in _list(table.get("key_columns")) if isinstance(c, dict)]
    rows = [r for r in _list(table.get("rows")) if isinstance(r, dict)]
    if not keys and any("name" in r or "code" in r for r in rows):
        keys = [{"key": k, "label": ""} for k in ("code", "name") if any(k in r for r in rows)]
    head = [[{"text": show(k.get("label")), "rowspan": 2 if _grouped(columns) else 1, "kind": "key"}
             for k in keys]]  # fmt: skip
    second = []
    i = 0
    while i < len(columns):
        group = columns[i].get("group")
        if group is None:
            head[0].append({"text": show(columns[i].get("label")), "rowspan": 2 if _grouped(columns) else 1})
            i += 1
            continue
        j = i
        while j < len(columns) and columns[j].get("group") == group:
            second.append({"text": show(columns[j].get("label")), "rowspan": 1})
            j += 1
        head[0].append({"text": show(group), "colspan": j - i, "rowspan": 1})
        i = j
    if second:
        head.append(second)
    numbers = [c.get("number") for c in columns]
    if any(n is not None for n in numbers):
        head.append([{"text": "栏次", "colspan": max(len(keys), 1), "kind": "key"}]
                    + [{"text": show(n), "kind": "number"} for n in numbers])  # fmt: skip
    body = []
    total = table.get("total")
    if isinstance(total, dict):
        at = child(pointer, "total")
        label = cell(total.get("label") or "合计", child(at, "label"), "text")
        cells = [dict(label, colspan=max(len(keys), 1))]
        cells += [_value(total, at, c.get("key")) for c in columns]
        body.append({"pointer": at, "kind": "total", "cells": cells})
    for n, row in enumerate(rows):
        at = child(pointer, "rows", n)
        cells = []
        for k in keys:
            key = k.get("key")
            kind = "name" if key in ("name", "dept_name") else "code"
            cells.append(cell(row.get(key), child(at, key), kind, indent=_level(row.get("code"))))
        cells += [_value(row, at, c.get("key")) for c in columns]
        body.append({"pointer": at, "kind": "row", "cells": cells})
    return {"head": head, "head_pointer": child(pointer, "columns"), "body": body}


def _grouped(columns) -> bool:
    return any(c.get("group") is not None for c in columns)


def _value(row: dict, at: str, key) -> dict:
    if not isinstance(key, str) or key not in row:
        return cell(None, None, "num", absent=True)
    return cell(row[key], child(at, key))


def _line(table: dict, pointer: str, key, columns=("amount",)) -> list[dict]:
    """A labelled line of a two-sided summary: its label and its amounts."""
    line = table.get(key) if isinstance(key, str) else key[1]
    at = child(pointer, key) if isinstance(key, str) else key[0]
    if not isinstance(line, dict):
        return []
    return [cell(line.get("label"), child(at, "label"), "name")] + [_value(line, at, c) for c in columns]


def _side(table: dict, pointer: str, name: str) -> list:
    items = table.get(name)
    at = child(pointer, name)
    if isinstance(items, dict):
        return [(child(at, k), v) for k, v in items.items()]
    return [(child(at, n), v) for n, v in enumerate(_list(items))]


def _two_sided(table: dict, pointer: str, kind: str) -> dict:
    """收支预算总表 and 财政拨款收支总表 as printed: income on the left, expenditure on the right,
    the grand totals on the last line."""
    sides = _dict(table.get("sides"))
    income, spending = _dict(sides.get("income")), _dict(sides.get("expenditure"))
    if kind == "fiscal_summary":
        columns = [c for c in _list(table.get("columns")) if isinstance(c, dict)]
        right_keys = [c.get("key") for c in columns] or ["total"]
        right_labels = [show(c.get("label")) for c in columns] or [show(spending.get("amount_label"))]
        right = [_line(table, pointer, "expenditure_total", right_keys)]
        right += [_line(table, pointer, line, right_keys) for line in _side(table, pointer, "expenditure")]
        right += [_line(table, pointer, "carry_forward", right_keys)]
    else:
        lines = [line for _, line in _side(table, pointer, "expenditure")]
        lines.append(table.get("expenditure_grand_total"))
        extra = [(k, label) for k, label in _SPENDING_COLUMNS if any(k in _dict(x) for x in lines)]
        right_keys = ["amount"] + [k for k, _ in extra]
        right_labels = [show(spending.get("amount_label") or "预算数")] + [label for _, label in extra]
        right = [_line(table, pointer, line, right_keys) for line in _side(table, pointer, "expenditure")]
        right += [_line(table, pointer, k, right_keys) for k in _SUMMARY_RIGHT]
    left = [_line(table, pointer, line) for line in _side(table, pointer, "income")]
    if kind != "fiscal_summary":
        left += [_line(table, pointer, k) for k in _SUMMARY_LEFT]
    left, right = [x for x in left if x], [x for x in right if x]
    head = [[
        {"text": show(income.get("item_label") or income.get("label")), "kind": "key"},
        {"text": show(income.get("amount_label") or "预算数")},
        {"text": show(spending.get("item_label") or spending.get("label")), "kind": "key"},
    ] + [{"text": label} for label in right_labels]]  # fmt: skip
    blank_left = [cell(None, None, "name"), cell(None, None)]
    blank_right = [cell(None, None, "name")] + [cell(None, None) for _ in right_keys]
    body = []
    for n in range(max(len(left), len(right))):
        cells = (left[n] if n < len(left) else blank_left) + (right[n] if n < len(right) else blank_right)
        body.append({"pointer": None, "kind": "row", "cells": cells})
    grand = (_line(table, pointer, "income_grand_total") or blank_left) + (
        _line(table, pointer, "expenditure_grand_total", right_keys) or blank_right
    )
    body.append({"pointer": None, "kind": "total", "cells": grand})
    return {"head": [*head], "head_pointer": None, "body": body}


def tables(data: dict) -> list[dict]:
    """Every published table of the document, in the order of the table kinds, then `other`."""
    found = _dict(data.get("tables"))
    out = []
    for kind in TABLE_KINDS:
        table = found.get(kind.key)
        if isinstance(table, dict):
            out.append((child("/tables", kind.key), table, kind.shape, kind.name))
    for n, table in enumerate(_list(found.get("other"))):
        if isinstance(table, dict):
            out.append((child("/tables/other", n), table, "other", "其他表"))
    grids = []
    for pointer, table, shape, name in out:
        two_sided = shape in ("budget_summary", "fiscal_summary") or (
            "income" in table and "rows" not in table
        )
        grid = _two_sided(table, pointer, shape) if two_sided else _row_grid(table, pointer)
        grid.update(_caption(table, pointer), pointer=pointer, kind_name=name)
        grids.append(grid)
    return grids


def goal_forms(data: dict) -> list[dict]:
    """The 项目支出绩效目标表 (and 部门整体支出绩效目标表): the project, its funds, its indicators."""
    forms = [(child("/performance_goals", n), g) for n, g in enumerate(_list(data.get("performance_goals")))]
    if isinstance(data.get("department_goal"), dict):
        forms.append(("/department_goal", data["department_goal"]))
    out = []
    for pointer, goal in forms:
        if not isinstance(goal, dict):
            continue
        labels = _dict(goal.get("labels"))
        funds = _dict(goal.get("funds"))
        facts = [
            (
                labels.get("project") or "项目名称",
                cell(goal.get("project"), child(pointer, "project"), "text"),
            ),
            (
                labels.get("implementer") or "实施单位",
                cell(goal.get("implementer"), child(pointer, "implementer"), "text"),
            ),
        ]
        for key in ("total", "fiscal", "other", "carryover"):
            if key in funds:
                label = labels.get(f"funds_{key}") or key
                facts.append((label, cell(funds[key], child(pointer, "funds", key))))
        goal_text = cell(goal.get("annual_goal"), child(pointer, "annual_goal"), "text")
        facts.append((labels.get("annual_goal") or "年度绩效目标", goal_text))
        body = []
        for n, row in enumerate(_list(goal.get("indicators"))):
            at, row = child(pointer, "indicators", n), _dict(row)
            cells = [cell(row.get(k), child(at, k), "text") for k in ("level1", "level2", "level3")]
            cells.append(cell(row.get("value"), child(at, "value")))
            body.append({"pointer": at, "kind": "row", "cells": cells})
        head = [[{"text": show(labels.get(k) or k)} for k in ("level1", "level2", "level3", "value")]]
        title = cell(goal.get("title") or "绩效目标表", child(pointer, "title"), "text")
        unit = cell(
            funds.get("unit"), child(pointer, "funds", "unit"), "text", absent=funds.get("unit") is None
        )
        out.append(
            {
                "pointer": pointer,
                "title": title,
                "year_label": show(goal.get("year_label")),
                "unit": unit,
                "facts": [(show(k), c) for k, c in facts],
                "head": head,
                "head_pointer": None,
                "body": body,
            }
        )
    return out
