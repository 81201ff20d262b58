"""Cells to model values: amounts exactly as printed, codes joined from their 类/款/项 cells, column
keys from the meaning of the header text above each column.

Nothing here computes a figure: an amount is the printed digits without thousands separators
(`371,514,655.00` → `Decimal("371514655.00")`), an empty cell is None, and a cell that is neither
raises NotAnAmount so the caller can report it (an import finding) instead of guessing.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_CODE = re.compile(r"^\d{2,9}$")


class NotAnAmount(ValueError):
    """A cell where a figure belongs holds something else."""


def parse_amount(text: str | None) -> Decimal | None:
    """The printed figure as a Decimal with its printed decimals; None for an empty cell."""
    text = (text or "").strip()
    if not text:
        return None
    if not _AMOUNT.match(text):
        raise NotAnAmount(text)
    try:
        return Decimal(text.replace(",", "").replace("−", "-"))
    except InvalidOperation:  # pragma: no cover — the pattern admits only numbers
        raise NotAnAmount(text) from None


def is_amount(text: str | None) -> bool:
    return bool(text) and bool(_AMOUNT.match(text.strip()))


def is_code(text: str | None) -> bool:
    return bool(text) and bool(_CODE.match(text.strip()))


def join_code(parts: list[str]) -> tuple[str, str] | None:
    """(whole code, printed code) from the printed 类/款/项 cells: 201 13 01 → ("2011301", "01").

    A single cell holding the whole code (2080505) is its own printed code. None when the parts
    are not digits."""
    parts = [p.strip() for p in parts if p and p.strip()]
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return "".join(parts), parts[-1]


# --- column keys by meaning -------------------------------------------------------------------------
# Each entry: (words that must all appear in the column's header path, key). The first match wins;
# the innermost header text is tried first, then the whole path.

FUNCTIONAL = [(("基本",), "basic"), (("项目支出",), "project"), (("合计",), "total"), (("小计",), "total")]
ECONOMIC = [(("人员",), "personnel"), (("公用",), "public"), (("合计",), "total")]
REVENUE = [
    (("上年结转",), "carryover"),
    (("结转",), "carryover"),
    (("非财政拨款结余",), "non_fiscal_balance"),
    (("一般公共预算",), "general_budget"),
    (("政府性基金",), "government_fund"),
    (("国有资本",), "state_capital"),
    (("教育收费",), "education_fees"),
    (("经营收入",), "operating_income"),
    (("事业收入",), "business_income"),
    (("附属单位",), "affiliated_income"),
    (("上级补助",), "superior_subsidy"),
    (("其他收入",), "other_income"),
    (("财政拨款",), "fiscal_subtotal"),
    (("小计",), "fiscal_subtotal"),
    (("合计",), "total"),
]
THREE_PUBLIC = [
    (("机关运行",), "operating_expenses"),
    (("出国",), "outbound"),
    (("接待",), "reception"),
    (("小计",), "vehicle_subtotal"),
    (("购置",), "vehicle_purchase"),
    (("运行",), "vehicle_operation"),
    (("合计",), "total"),
]
FISCAL_COLUMNS = [
    (("一般公共预算",), "general_budget"),
    (("政府性基金",), "government_fund"),
    (("国有资本",), "state_capital"),
    (("合计",), "total"),
]
SUMMARY_EXPENDITURE = [
    (("人员",), "personnel"),
    (("公用",), "public"),
    (("项目支出",), "project"),
    (("基本支出",), "basic"),
    (("合计",), "amount"),
    (("预算数",), "amount"),
]

COLUMN_KEYS = {
    "expenditure": FUNCTIONAL,
    "general_budget": FUNCTIONAL,
    "government_fund": FUNCTIONAL,
    "state_capital": FUNCTIONAL,
    "revenue": REVENUE,
    "basic_expenditure": ECONOMIC,
    "three_public": THREE_PUBLIC,
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def column_key(path: list[str], table: list) -> str | None:
    """The model key of a column whose header path (outermost first) is `path`."""
    texts = [_squash(t) for t in path if t]
    for text in [texts[-1]] if texts else []:
        for words, key in table:
            if all(w in text for w in words):
                return key
    whole = "".join(texts)
    for words, key in table:
        if all(w in whole for w in words):
            return key
    return None


# Labels of the income lines of a 收支总表, and of its total lines (by meaning, numbering stripped).
INCOME_LINES = [
    ("本年收入合计", "income_total"),
    ("收入总计", "income_grand_total"),
    ("非财政拨款结余", "non_fiscal_balance"),
    ("上年结转", "carryover"),
    ("财政拨款", "fiscal"),
    ("一般公共预算", "general_budget"),
    ("政府性基金", "government_fund"),
    ("国有资本", "state_capital"),
    ("教育收费", "education_fees"),
    ("经营收入", "operating_income"),
    ("事业收入", "business_income"),
    ("附属单位", "affiliated_income"),
    ("上级补助", "superior_subsidy"),
    ("其他收入", "other_income"),
]
FISCAL_INCOME_LINES = [
    ("收入总计", "income_grand_total"),
    ("一般公共预算拨款结转", "carryover_general_budget"),
    ("政府性基金预算拨款结转", "carryover_government_fund"),
    ("上年结转", "carryover"),
    ("一般公共预算", "general_budget"),
    ("政府性基金", "government_fund"),
    ("国有资本", "state_capital"),
    ("财政拨款", "fiscal"),
    ("本年收入", "fiscal"),
]
EXPENDITURE_TOTAL_LINES = [
    ("本年支出合计", "expenditure_total"),
    ("本年支出", "expenditure_total"),
    ("结转下年", "carry_forward"),
    ("支出总计", "expenditure_grand_total"),
]
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|（[一二三四五六七八九十]+）|\(\S{1,3}\)|\d+[、.．])\s*"
)


def strip_numbering(label: str) -> str:
    return _NUMBERING.sub("", _squash(label))


def line_key(label: str, table: list[tuple[str, str]]) -> str | None:
    text = strip_numbering(label)
    for words, key in table:
        if words in text:
            return key
    return None
