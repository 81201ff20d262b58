"""The columns of a text table whose header wraps: found by their printed captions, in printed order.

A two-level header in plain text prints its first level left to right (a group's caption, such as
财政拨款, among the plain columns), then the second level (the group's 小计 and its parts); each
caption may wrap over lines and run into the next (`使用非财政拨` / `款结余小计`). So the header's
text is joined without spaces, each caption of the template is found in it as printed, the group's
sub-columns take the place of its caption, and the result is kept only if it has exactly as many
columns as the header's number line (** ** 1 2 3 …) numbers — else the caller keeps what it had.
"""

from __future__ import annotations

import re

from .model import Table

# The 部门收入总表's captions as the Jiangxi template prints them, longest first within a key.
REVENUE_CAPTIONS = [
    ("total", ["合计"]),
    ("carryover", ["上年结转"]),
    ("education_fees", ["教育收费资金收入", "教育收费收入"]),
    ("operating_income", ["事业单位经营收入"]),
    ("business_income", ["事业收入"]),
    ("affiliated_income", ["附属单位上缴收入"]),
    ("superior_subsidy", ["上级补助收入"]),
    ("other_income", ["其他收入"]),
    ("non_fiscal_balance", ["使用非财政拨款结余"]),
    ("general_budget", ["一般公共预算拨款收入", "一般公共预算收入"]),
    ("government_fund", ["政府性基金预算拨款收入", "政府性基金预算收入"]),
    ("state_capital", ["国有资本经营预算拨款收入", "国有资本经营预算收入"]),
    ("fiscal_subtotal", ["小计"]),
]
GROUP = "财政拨款"  # the group caption over 小计 and the three budgets
GROUP_KEYS = ("fiscal_subtotal", "general_budget", "government_fund", "state_capital")


def _numbers(table: Table) -> int | None:
    for row in table.header:
        if row and row[0] == "**":
            return sum(1 for t in row if t and t.isdigit())
    return None


def revenue_columns(table: Table) -> list[dict] | None:
    """[{key, label, group?}] in printed order, or None when the captions do not account for
    every numbered column."""
    text = "".join(t for row in table.header if row and row[0] != "**" for t in row if t)
    text = re.sub(r"\s+", "", text)
    taken = [False] * len(text)
    found: list[tuple[int, str, str]] = []
    for key, captions in REVENUE_CAPTIONS:
        for caption in captions:
            at = _free(text, caption, taken)
            if at is not None:
                found.append((at, key, caption))
                break
    group = _free(text, GROUP, taken)
    found.sort()
    plain = [(at, key, caption) for at, key, caption in found if key not in GROUP_KEYS]
    members = [(key, caption) for _, key, caption in found if key in GROUP_KEYS]
    out: list[dict] = []
    placed_group = False
    for at, key, caption in plain:
        if group is not None and members and not placed_group and group < at:
            out += [{"key": k, "label": c, "group": GROUP} for k, c in members]
            placed_group = True
        out.append({"key": key, "label": caption})
    if members and not placed_group:
        out += [{"key": k, "label": c, "group": GROUP} for k, c in members]
    return out if len(out) == _numbers(table) else None


def _free(text: str, caption: str, taken: list[bool]) -> int | None:
    """The first place the caption is printed that no other caption took (非财政拨款 is no 财政拨款)."""
    for match in re.finditer(re.escape(caption), text):
        start, end = match.span()
        if caption == GROUP and text[max(0, start - 1) : start] == "非":
            continue
        if not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            return start
    return None
