"""Which table of the model a printed table is, by the meaning of its title and header.

Titles vary by region and year (财务收支预算总表 / 收支预算总表 / 收支总表 are all the
收支预算总表; 收入预算总表 / 部门收入总表 the 部门收入总表 …), so a kind is recognised by the words
that carry its meaning, after the year and the 预算单位 / 部门 / 单位 prefixes, and, where two kinds
share words (a 支出总表 by 基本支出/项目支出 against one by 结转下年), by the header.
"""

from __future__ import annotations

import re

from budgetlint.table_kinds import keys_tagged

from .model import Table

# The budget's table kinds, as budgetlint/table_kinds.py declares them (tag `budget`).
KINDS = tuple(keys_tagged("budget"))
# The tables each profile's template publishes (the seed's Jiangxi 部门预算; the Shanghai 单位预算).
EXPECTED = {
    "shanghai-2025": KINDS,
    "jiangxi-2023": KINDS,
}
PERFORMANCE = "performance_goal"


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _header_text(table: Table) -> str:
    cells = [c for row in table.header for c in row if c]
    cells += [c for path in table.columns for c in path]
    return _squash("".join(cells) + (table.header_line or ""))


def kind_of(table: Table) -> str | None:
    """The model's kind for the table, `performance_goal`, or None when it is none of them."""
    title = _squash(table.title)
    header = _header_text(table)
    if "绩效目标" in title:
        return PERFORMANCE
    if "三公" in title:
        return "three_public"
    if "财政拨款" in title and "收支" in title:
        return "fiscal_summary"
    if "收支" in title and "总表" in title:
        return "budget_summary"
    if "基本支出" in title and ("一般公共预算" in title or "经济分类" in title):
        return "basic_expenditure"
    if "政府性基金" in title and "支出" in title:
        return "government_fund"
    if "国有资本经营" in title and "支出" in title:
        return "state_capital"
    if "一般公共预算" in title and "支出" in title:
        return "general_budget"
    if "收入" in title and ("总表" in title or "预算表" in title):
        return "revenue"
    if "支出" in title and "总表" in title and ("基本支出" in header or "项目支出" in header):
        return "expenditure"
    return None


def detect_profile(tables: list[Table], year: int | None) -> str | None:
    """shanghai-YYYY for the Shanghai template (预算单位…预算表, 编制单位：), jiangxi-2023 for the
    seed's (填报单位 with a bracketed code); None when neither is recognised."""
    titles = "".join(_squash(t.title) for t in tables)
    lines = "".join(_squash(t.header_line) for t in tables)
    if "财务收支预算总表" in titles or ("预算单位" in titles and "编制单位" in lines):
        return f"shanghai-{year}" if year and year >= 2025 else "shanghai"
    if "填报单位" in lines or re.search(r"\[\d{3,}\]", lines):
        return "jiangxi-2023" if year == 2023 else ("jiangxi" if not year else f"jiangxi-{year}")
    return None
