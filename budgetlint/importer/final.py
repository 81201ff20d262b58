"""A 决算 (部门决算 / 单位决算) layout → an @2 document of that kind (docs/document-model.md, “决算”).

The nine 决算 tables are recognised by their titles (budgetlint/table_kinds.py, tag `final`), their
columns by the header text above each one, every figure read from the cell its position puts it
in (the layout: the Putuo 财政局 决算 prints its figures a few points below their labels, which the
layout's line grouping joins). The 情况说明's claims are read by the template's wording (上海市 2024
年度部门决算 template): totals and their change on last year, shares, 年初预算 / 决算 / 完成年初预算的
r% and the reasons, the items 1、2、…, 基本支出's items, 三公, 绩效, 机关运行经费, 政府采购 with the
SME figures, 国有资产. Nothing is computed: every number is printed, its page and line recorded in
`source.locations`; a section whose heading is found but whose figures are not read is IMPORT-04.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from budgetlint.table_kinds import BY_KEY, keys_tagged

from .model import Layout, Row, Table
from .rows import join_code, strip_numbering
from .source import Trace

NUM = r"\d[\d,]*(?:\.\d+)?"

# header text of an amount column → its key in the model
COLUMN_KEYS = [
    ("本年收入合计", "total"),
    ("本年支出合计", "total"),
    ("合计", "total"),
    ("小计", "total"),
    ("财政拨款收入", "fiscal_subtotal"),
    ("上级补助收入", "superior_subsidy"),
    ("事业收入", "business_income"),
    ("附属单位上缴收入", "affiliated_income"),
    ("经营收入", "operating_income"),
    ("其他收入", "other_income"),
    ("基本支出", "basic"),
    ("项目支出", "project"),
    ("上缴上级支出", "superior_remittance"),
    ("经营支出", "operating_expenditure"),
    ("对附属单位补助支出", "affiliated_subsidy"),
    ("年初结转和结余", "carryover"),
    ("本年收入", "income"),
    ("年末结转和结余", "carry_forward"),
]
SUMMARY_INCOME = [
    ("一般公共预算财政拨款收入", "general_budget"),
    ("政府性基金预算财政拨款收入", "government_fund"),
    ("国有资本经营预算财政拨款收入", "state_capital"),
    ("上级补助收入", "superior_subsidy"),
    ("事业收入", "business_income"),
    ("经营收入", "operating_income"),
    ("附属单位上缴收入", "affiliated_income"),
    ("其他收入", "other_income"),
]
THREE_PUBLIC_GROUPS = [
    ("合计", "total"),
    ("因公出国", "outbound"),
    ("小计", "vehicle_subtotal"),
    ("购置费", "vehicle_purchase"),
    ("运行", "vehicle_operation"),
    ("接待", "reception"),
]


def is_final(layout: Layout) -> bool:
    titles = [t.title for t in layout.tables if t.title]
    return bool(titles) and sum("决算" in t for t in titles) > len(titles) / 2


def _squash(text: str | None) -> str:
    return re.sub(r"[\s“”\"]", "", text or "")


def _kind(table: Table) -> str | None:
    """The kind whose title the table prints: exactly, else the longest one its title ends with
    (2024年度收入决算表; but 财政拨款收入支出决算总表 is not the 收入支出决算总表)."""
    title = _squash(table.title)
    candidates = [
        (len(_squash(t)), key)
        for key in keys_tagged("final")
        for t in BY_KEY[key].titles.get("national", ())
        if title == _squash(t) or title.endswith(_squash(t))
    ]
    return max(candidates)[1] if candidates else None


def _name(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


class _Cells:
    """A row's figures into a part of the model, each with its page and line."""

    def __init__(self, trace: Trace, row: Row):
        self.trace, self.row = trace, row

    def amount(self, pointer: str, cell: str):
        return self.trace.amount(pointer, cell, self.row.page, self.row.line, self.row.text)


def _short(row: Row, width: int, trace: Trace, what: str) -> bool:
    """True (and IMPORT-05) when the row prints fewer cells than its table's header has columns: a
    cell is missing and which one cannot be told, so no cell of it is read by its position."""
    if len(row.cells) >= width:
        return False
    message = f"{what}: a row of {len(row.cells)} cells under a header of {width} columns: not read"
    trace.report("IMPORT-05", row.page, row.line, row.text, message)
    return True


def _note(layout: Layout, table: Table) -> str | None:
    for page in layout.pages:
        if page.number in table.pages:
            for line in page.lines:
                if _name(line.text).startswith(("注：", "注:", "说明：")):
                    return _name(line.text)
    return None


def _head(table: Table, layout: Layout, kind: str) -> dict:
    return {
        "title": _name(table.title),
        "issuer": None,
        "amount_unit": table.unit,
        "note": _note(layout, table),
        "year_label": None,
    }


def _inner(path: list[str]) -> str:
    """A column's innermost header text, spaces removed; "" for a column printed without a header."""
    return _name(path[-1]) if path else ""


def _column_key(path: list[str]) -> str | None:
    inner = _inner(path)
    for words, key in COLUMN_KEYS:
        if inner == words:
            return key
    return None


def _classified(table: Table, kind: str, trace: Trace, layout: Layout) -> dict | None:
    """收入决算表, 支出决算表, 一般公共预算财政拨款支出决算表, the two fund tables: code cells, a name
    cell, then the amount columns by their header. None (an import finding) when the header has no
    科目名称 column: no cell can be told from an amount (the blank template prints such headers)."""
    name_at = next((i for i, path in enumerate(table.columns) if path and path[-1] == "科目名称"), None)
    if name_at is None:
        trace.report(
            "IMPORT-03",
            table.pages[0],
            table.title_line,
            table.title,
            "its header has no 科目名称 (item name) column, so its rows cannot be read: not imported",
        )
        return None
    out = _head(table, layout, kind)
    amount_cols, unknown = [], []  # unknown: a header of no known column (or none, or a repeated one)
    for i, path in enumerate(table.columns[name_at + 1 :], name_at + 1):
        key = _column_key(path)
        if key is None or key in {k for _, k, _ in amount_cols}:
            unknown.append((i, _inner(path)))
        else:
            amount_cols.append((i, key, path))
    out["key_columns"] = [
        {"key": "code", "label": "科目编码", "marker": None, "group": "支出功能分类"},
        {"key": "name", "label": "科目名称", "marker": None, "group": "项目"},
    ]
    out["columns"] = []
    for _, key, path in amount_cols:
        column = {"key": key, "label": _inner(path), "number": None}
        if len(path) > 1 and path[0] not in ("项目",):
            column["group"] = _name(path[0])
        out["columns"].append(column)
    out["total"], out["rows"] = None, []
    base = f"/tables/{kind}"
    for row in table.rows:
        if _short(row, len(table.columns), trace, out["title"]):
            continue
        for i, label in unknown:  # its figures are reported, never placed under a guessed column
            if i < len(row.cells) and row.cells[i].strip():
                what = f"a column not recognised ({label})" if label else "a column without a header"
                trace.report("IMPORT-01", row.page, row.line, row.cells[i], f"{out['title']}: {what}")
        cells = _Cells(trace, row)
        label_cells = [_name(c) for c in row.cells[: name_at + 1]]
        if "合计" in label_cells:
            out["total"] = {"label": "合计"}
            for i, key, _ in amount_cols:
                out["total"][key] = cells.amount(f"{base}/total/{key}", row.cells[i])
            continue
        code = join_code(row.cells[:name_at])
        if code is None:
            trace.report("IMPORT-05", row.page, row.line, row.text, f"{out['title']}: a row without a code")
            continue
        n = len(out["rows"])
        entry = {"code": code[0], "printed_code": code[1], "name": label_cells[name_at]}
        for i, key, _ in amount_cols:
            entry[key] = cells.amount(f"{base}/rows/{n}/{key}", row.cells[i])
        out["rows"].append(entry)
    if out["total"] is None and not out["rows"]:
        out["total"] = None
    return out


def _summary(table: Table, trace: Trace, layout: Layout) -> dict:
    """收入支出决算总表: two sides, each [项目, 决算数]."""
    out = _head(table, layout, "final_summary")
    out["sides"] = {
        "income": {"label": "收入", "item_label": "项目", "amount_label": "决算数"},
        "expenditure": {"label": "支出", "item_label": "项目", "amount_label": "决算数"},
    }
    income: dict = {}
    lines: dict = {}
    expenditure: list = []
    base = "/tables/final_summary"
    for row in table.rows:
        cells = _Cells(trace, row)
        left, left_amount, right, right_amount = ([*row.cells, "", "", "", ""])[:4]
        label = _name(left)
        if label:
            bare = strip_numbering(label)
            key = next((k for words, k in SUMMARY_INCOME if bare == words), None)
            if key:
                income[key] = {
                    "label": label,
                    "amount": cells.amount(f"{base}/income/{key}/amount", left_amount),
                }
            else:
                key = (
                    "income_total"
                    if bare == "本年收入合计"
                    else "non_fiscal_balance"
                    if bare.startswith("使用非财政拨款结余")
                    else "carryover"
                    if bare == "年初结转和结余"
                    else "income_grand_total"
                    if bare == "总计"
                    else None
                )
                if key:
                    lines[key] = {"label": label, "amount": cells.amount(f"{base}/{key}/amount", left_amount)}
                else:
                    trace.report(
                        "IMPORT-05",
                        row.page,
                        row.line,
                        row.text,
                        f"收入支出决算总表: income line 「{label}」 not read",
                    )
        label = _name(right)
        if label:
            bare = strip_numbering(label)
            key = {
                "本年支出合计": "expenditure_total",
                "结余分配": "surplus_distribution",
                "年末结转和结余": "carry_forward",
                "总计": "expenditure_grand_total",
            }.get(bare)
            if key:
                lines[key] = {"label": label, "amount": cells.amount(f"{base}/{key}/amount", right_amount)}
            else:
                n = len(expenditure)
                expenditure.append(
                    {
                        "label": label,
                        "code": None,
                        "amount": cells.amount(f"{base}/expenditure/{n}/amount", right_amount),
                    }
                )
    out["income"] = income
    for key in ("income_total", "non_fiscal_balance", "carryover", "income_grand_total"):
        if key in lines:
            out[key] = lines[key]
    out["expenditure"] = expenditure
    for key in ("expenditure_total", "surplus_distribution", "carry_forward", "expenditure_grand_total"):
        if key in lines:
            out[key] = lines[key]
    return out


def _fiscal_summary(table: Table, trace: Trace, layout: Layout) -> dict | None:
    """财政拨款收入支出决算总表: income [项目, 决算数]; expenditure [项目, 合计, 三本预算]. None (an
    import finding) when the header has fewer than those 7 columns: the cells are read by position."""
    if len(table.columns) < 7:
        trace.report(
            "IMPORT-03",
            table.pages[0],
            table.title_line,
            table.title,
            f"its header has {len(table.columns)} columns, not the template's 7 (收入: 项目, 决算数; "
            "支出: 项目, 合计 and the three budgets), so its cells cannot be placed: not imported",
        )
        return None
    out = _head(table, layout, "final_fiscal_summary")
    out["sides"] = {
        "income": {"label": "收入", "item_label": "项目", "amount_label": "决算数"},
        "expenditure": {"label": "支出", "item_label": "项目", "amount_label": None},
    }
    keys = ["total", "general_budget", "government_fund", "state_capital"]
    out["columns"] = [
        {"key": k, "label": _inner(path), "number": None}
        for k, path in zip(keys, table.columns[3:7], strict=True)
    ]
    income: dict = {}
    lines: dict = {}
    expenditure: list = []
    after_carryover = False
    base = "/tables/final_fiscal_summary"
    budgets = {
        "一般公共预算财政拨款": "general_budget",
        "政府性基金预算财政拨款": "government_fund",
        "国有资本经营预算财政拨款": "state_capital",
    }
    for row in table.rows:
        cells = _Cells(trace, row)
        padded = [*row.cells, *[""] * 7][:7]
        label = _name(padded[0])
        if label:
            bare = strip_numbering(label)
            if bare in budgets:
                key = ("carryover_" if after_carryover else "") + budgets[bare]
                income[key] = {
                    "label": label,
                    "amount": cells.amount(f"{base}/income/{key}/amount", padded[1]),
                }
            elif bare == "年初财政拨款结转和结余":
                after_carryover = True
                income["carryover"] = {
                    "label": label,
                    "amount": cells.amount(f"{base}/income/carryover/amount", padded[1]),
                }
            elif bare in ("本年收入合计", "总计"):
                key = "income_total" if bare == "本年收入合计" else "income_grand_total"
                lines[key] = {"label": label, "amount": cells.amount(f"{base}/{key}/amount", padded[1])}
        label = _name(padded[2])
        if label:
            bare = strip_numbering(label)
            key = {
                "本年支出合计": "expenditure_total",
                "年末财政拨款结转和结余": "carry_forward",
                "总计": "expenditure_grand_total",
            }.get(bare)
            where = f"{base}/{key}" if key else f"{base}/expenditure/{len(expenditure)}"
            line = {"label": label} | ({} if key else {"code": None})
            for k, cell in zip(keys, padded[3:7], strict=True):
                line[k] = cells.amount(f"{where}/{k}", cell)
            if key:
                lines[key] = line
            else:
                expenditure.append(line)
    order = [
        "general_budget",
        "government_fund",
        "state_capital",
        "carryover",
        "carryover_general_budget",
        "carryover_government_fund",
        "carryover_state_capital",
    ]
    out["income"] = {k: income[k] for k in order if k in income}
    for key in ("income_total", "income_grand_total"):
        if key in lines:
            out[key] = lines[key]
    out["expenditure"] = expenditure
    for key in ("expenditure_total", "carry_forward", "expenditure_grand_total"):
        if key in lines:
            out[key] = lines[key]
    return out


def _basic(table: Table, trace: Trace, layout: Layout) -> dict:
    """一般公共预算财政拨款基本支出决算表: two halves [类, 款, 名称, 决算数] side by side; the left half's
    rows first, then the right's; the last line 人员经费合计 / 公用经费合计."""
    out = _head(table, layout, "final_basic_expenditure")
    out["key_columns"] = [
        {"key": "code", "label": "科目编码", "marker": None, "group": "经济分类"},
        {"key": "name", "label": "科目名称", "marker": None},
    ]
    out["columns"] = [{"key": "total", "label": "决算数", "number": None}]
    halves: list[list[tuple[Row, list[str]]]] = [[], []]
    last = None
    for row in table.rows:
        padded = [*row.cells, *[""] * 8][:8]
        if _name(padded[0]) == "人员经费合计":
            last = (row, padded)
            continue
        for h in (0, 1):
            part = padded[4 * h : 4 * h + 4]
            if any(part):
                halves[h].append((row, part))
    out["total"], out["rows"] = None, []
    for row, part in halves[0] + halves[1]:
        code = join_code(part[:2])
        if code is None:
            trace.report("IMPORT-05", row.page, row.line, row.text, "基本支出决算表: a row without a code")
            continue
        n = len(out["rows"])
        out["rows"].append(
            {
                "code": code[0],
                "printed_code": code[1],
                "name": _name(part[2]),
                "total": _Cells(trace, row).amount(
                    f"/tables/final_basic_expenditure/rows/{n}/total", part[3]
                ),
            }
        )
    if last:
        row, padded = last
        cells = _Cells(trace, row)
        out["total"] = {
            "label": f"{_name(padded[0])} / {_name(padded[4])}",
            "personnel": cells.amount("/tables/final_basic_expenditure/total/personnel", padded[3]),
            "public": cells.amount("/tables/final_basic_expenditure/total/public", padded[7]),
        }
    return out


def _three_public(table: Table, trace: Trace, layout: Layout) -> dict:
    """财政拨款“三公”经费支出决算表: pairs 预算数 / 决算数 under each caption; one figure line."""
    out = _head(table, layout, "final_three_public")
    out["key_columns"] = []
    keys = []
    for i, path in enumerate(table.columns):
        caption = _inner(path)
        base = next((k for words, k in THREE_PUBLIC_GROUPS if words in caption), None)
        keys.append((base or f"column{i}") + ("_budget" if i % 2 == 0 else ""))
        out.setdefault("columns", []).append(
            {"key": keys[-1], "label": "预算数" if i % 2 == 0 else "决算数", "number": None, "group": caption}
        )
    out["total"], out["rows"] = None, []
    for row in table.rows:
        if all(_name(c) in ("预算数", "决算数", "") for c in row.cells):
            continue
        cells = _Cells(trace, row)
        line = {}
        for key, cell in zip(keys, row.cells, strict=False):
            line[key] = cells.amount(f"/tables/final_three_public/total/{key}", cell)
        out["total"] = line
    return out


# --- the 情况说明 -------------------------------------------------------------------------------------

HEADINGS = [
    ("overall", "一、收入支出决算总体情况说明"),
    ("revenue", "二、收入决算情况说明"),
    ("expenditure", "三、支出决算情况说明"),
    ("fiscal_total", "四、财政拨款收入支出决算总体情况说明"),
    ("part5", "五、一般公共预算财政拨款支出决算情况说明"),
    ("general_budget", "（一）一般公共预算财政拨款支出决算总体情况"),
    ("fiscal_appropriation", "（二）一般公共预算财政拨款支出决算结构情况"),
    ("execution", "（三）一般公共预算财政拨款支出决算具体情况"),
    ("basic_expenditure", "六、一般公共预算财政拨款基本支出决算情况说明"),
    ("three_public", "七、财政拨款“三公”经费支出决算情况说明"),
    ("government_fund", "八、政府性基金预算财政拨款收入支出决算情况说明"),
    ("state_capital", "九、国有资本经营预算财政拨款收入支出决算情况说明"),
    ("performance", "十、预算绩效管理情况"),
    ("part11", "十一、其他重要事项的情况说明"),
    ("operating_expenses", "（一）机关运行经费支出情况"),
    ("procurement", "（二）政府采购支出情况"),
    ("assets", "（三）国有资产占有使用情况说明"),
]


class _Text:
    """The 情况说明's lines joined without spaces; an offset maps back to its page and line."""

    def __init__(self, layout: Layout, first_page: int):
        self.text, self.starts = "", []  # starts: (offset, page, line, printed line)
        for page in layout.pages:
            if page.number < first_page:
                continue
            for i, line in enumerate(page.lines, 1):
                squashed = _name(line.text)
                if squashed.startswith("第四部分"):
                    return
                self.starts.append((len(self.text), page.number, i, line.text.strip()))
                self.text += squashed

    def where(self, offset: int) -> tuple[int, int, str]:
        found = self.starts[0]
        for start in self.starts:
            if start[0] > offset:
                break
            found = start
        return found[1], found[2], found[3]


def _dec(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


class _Reader:
    def __init__(self, text: _Text, trace: Trace):
        self.t, self.trace = text, trace

    def figure(self, pointer: str, match: re.Match, group, offset: int = 0) -> Decimal:
        page, line, printed = self.t.where(offset + match.start(group))
        self.trace.at(pointer, page, line, printed)
        self.trace.placed += 1
        return _dec(match.group(group))


def _change(reader: _Reader, pointer: str, text: str, offset: int, subject: str) -> dict | None:
    """与上年度相比: 增加（减少）Δ 万元，增长（下降）r%, or 持平; the reason after 主要原因."""
    reason = re.search(r"主要原因(?:是[:：]?|[:：])(.*?)。", text)
    match = re.search(rf"{subject}(增加|减少)({NUM})万元[，,](?:增长|下降)({NUM})%", text)
    if match:
        return {
            "direction": match.group(1),
            "amount": reader.figure(f"{pointer}/amount", match, 2, offset),
            "pct": reader.figure(f"{pointer}/pct", match, 3, offset),
            "reason": reason.group(1) if reason else None,
            "text": None,
        }
    if re.search(rf"{subject}持平", text):
        return {
            "direction": "持平",
            "amount": None,
            "pct": None,
            "reason": reason.group(1) if reason else None,
            "text": None,
        }
    return None


def _narrative(layout: Layout, trace: Trace, first_page: int) -> dict:
    text = _Text(layout, first_page)
    reader = _Reader(text, trace)
    found = [(key, title, text.text.find(title)) for key, title in HEADINGS]
    found = [f for f in found if f[2] >= 0]
    title_match = re.match(r"(第三部分.*?说明)", text.text)
    narrative: dict = {"title": title_match.group(1) if title_match else "第三部分"}
    year = re.search(r"(\d{4})年度", narrative["title"])
    narrative["year"] = int(year.group(1)) if year else None
    sections = {}
    for i, (key, title, start) in enumerate(found):
        end = found[i + 1][2] if i + 1 < len(found) else len(text.text)
        body = start + len(title)
        sections[key] = (title, body, text.text[body:end])
    fig = reader.figure

    def section(key):
        return sections.get(key, (None, 0, ""))

    title, off, body = section("overall")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"收入支出总计({NUM})万元", body)
        if m:
            part["total"] = fig("/narrative/overall/total", m, 1, off)
        part["change"] = _change(reader, "/narrative/overall/change", body, off, "收入支出总计")
        narrative["overall"] = part
    title, off, body = section("revenue")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"本年收入合计({NUM})万元", body)
        if m:
            part["total"] = fig("/narrative/revenue/total", m, 1, off)
        part["items"] = []
        for m in re.finditer(rf"([^；，：。]+?收入)({NUM})万元，占({NUM})%", body):
            n = len(part["items"])
            part["items"].append(
                {
                    "name": m.group(1),
                    "amount": fig(f"/narrative/revenue/items/{n}/amount", m, 2, off),
                    "share_pct": fig(f"/narrative/revenue/items/{n}/share_pct", m, 3, off),
                }
            )
        narrative["revenue"] = part
    title, off, body = section("expenditure")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"本年支出合计({NUM})万元", body)
        if m:
            part["total"] = fig("/narrative/expenditure/total", m, 1, off)
        for key, word in (("basic", "基本支出"), ("project", "项目支出")):
            m = re.search(rf"{word}({NUM})万元，占({NUM})%", body)
            if m:
                part[key] = {
                    "amount": fig(f"/narrative/expenditure/{key}/amount", m, 1, off),
                    "share_pct": fig(f"/narrative/expenditure/{key}/share_pct", m, 2, off),
                }
        narrative["expenditure"] = part
    title, off, body = section("fiscal_total")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"财政拨款收入支出总计({NUM})万元", body)
        if m:
            part["total"] = fig("/narrative/fiscal_total/total", m, 1, off)
        part["change"] = _change(reader, "/narrative/fiscal_total/change", body, off, "财政拨款收入支出总计")
        narrative["fiscal_total"] = part
    title, off, body = section("general_budget")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"支出({NUM})万元，占本年支出合计的({NUM})%", body)
        if m:
            part["total"] = fig("/narrative/general_budget/total", m, 1, off)
            part["share_pct"] = fig("/narrative/general_budget/share_pct", m, 2, off)
        part["change"] = _change(
            reader, "/narrative/general_budget/change", body, off, "一般公共预算财政拨款支出"
        )
        narrative["general_budget"] = part
    title, off, body = section("fiscal_appropriation")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"支出({NUM})万元，主要用于", body)
        if m:
            part["total"] = fig("/narrative/fiscal_appropriation/total", m, 1, off)
        part["items"] = []
        for m in re.finditer(rf"([^：；，。]+?)（类）({NUM})万元，占({NUM})%", body):
            n = len(part["items"])
            part["items"].append(
                {
                    "name": m.group(1),
                    "amount": fig(f"/narrative/fiscal_appropriation/items/{n}/amount", m, 2, off),
                    "share_pct": fig(f"/narrative/fiscal_appropriation/items/{n}/share_pct", m, 3, off),
                }
            )
        narrative["fiscal_appropriation"] = part
    title, off, body = section("execution")
    if title:
        head_end = body.find("其中：")
        head = body[: head_end + 3] if head_end >= 0 else body
        part = {"text": head}
        m = re.search(rf"年初预算为({NUM})万元，支出决算为({NUM})万元，完成年初预算的({NUM})%", head)
        if m:
            part["budget"] = fig("/narrative/execution/budget", m, 1, off)
            part["actual"] = fig("/narrative/execution/actual", m, 2, off)
            part["rate_pct"] = fig("/narrative/execution/rate_pct", m, 3, off)
        _comparison(part, head)
        narrative["execution"] = part
        items = []
        rest_off = off + (head_end + 3 if head_end >= 0 else len(body))
        rest = body[head_end + 3 :] if head_end >= 0 else ""
        starts = [m.start() for m in re.finditer(r"(?<![\d.])\d{1,2}、", rest)]
        for k, start in enumerate(starts):
            chunk = rest[start : starts[k + 1] if k + 1 < len(starts) else len(rest)]
            n = len(items)
            item = {"number": re.match(r"\d+、", chunk).group(0), "text": chunk}
            names = re.search(r"、(.+?)（类）(.+?)（款）(.+?)（项）", chunk)
            if names:
                item["names"] = {"class": names.group(1), "section": names.group(2), "item": names.group(3)}
            purpose = re.search(r"主要用于[:：](.*?)。", chunk)
            if purpose:
                item["purpose"] = purpose.group(1)
            execution: dict = {}
            m = re.search(rf"年初预算为({NUM})万元，支出决算为({NUM})万元", chunk)
            if m:
                execution["budget"] = fig(
                    f"/narrative/subject_items/{n}/execution/budget", m, 1, rest_off + start
                )
                execution["actual"] = fig(
                    f"/narrative/subject_items/{n}/execution/actual", m, 2, rest_off + start
                )
            _comparison(execution, chunk)
            item["execution"] = execution
            items.append(item)
        if items:
            narrative["subject_items"] = items
    title, off, body = section("basic_expenditure")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"基本支出({NUM})万元", body)
        if m:
            part["total"] = fig("/narrative/basic_expenditure/total", m, 1, off)
        for key, word, stop in (("personnel", "人员经费", "；"), ("public", "公用经费", "。")):
            m = re.search(rf"{word}({NUM})万元，主要包括[:：](.*?){stop}", body)
            if m:
                part[key] = {
                    "amount": fig(f"/narrative/basic_expenditure/{key}/amount", m, 1, off),
                    "names": [n for n in m.group(2).split("、") if n],
                }
        narrative["basic_expenditure"] = part
    title, off, body = section("three_public")
    if title:
        detail = body.find("（二）")
        first = body[:detail] if detail >= 0 else body
        part = {"title": title, "text": first}
        if detail >= 0:
            part["detail_text"] = body[detail:]
        year = re.search(r"(\d{4})年度", body)
        part["year"] = int(year.group(1)) if year else None
        total: dict = {}
        m = re.search(rf"年初预算为({NUM})万元，支出决算为({NUM})万元，完成预算的({NUM})%", first)
        execution: dict = {}
        if m:
            total["amount"] = fig("/narrative/three_public/total/amount", m, 2, off)
            execution["budget"] = fig("/narrative/three_public/total/execution/budget", m, 1, off)
            execution["actual"] = _dec(m.group(2))
            execution["rate_pct"] = fig("/narrative/three_public/total/execution/rate_pct", m, 3, off)
        m = re.search(r"决算数(小于|大于)预算数的主要原因[:：](.*?)。", first)
        if m:
            execution["comparison"], execution["reason"] = m.group(1), m.group(2)
        total["change"] = (
            {"direction": "持平", "amount": None, "pct": None, "reason": None, "text": None}
            if re.search(r"决算数与\d{4}年度持平", first)
            else None
        )
        total["execution"] = execution
        part["total"] = total
        part["items"] = []
        for key, name, pattern in (
            ("outbound", "因公出国（境）费", r"因公出国（境）费"),
            ("vehicles", "公务用车购置及运行维护费", r"公务用车购置及运行维护费"),
            ("reception", "公务接待费", r"公务接待费"),
        ):
            m = re.search(rf"({pattern}(?:支出)?决算为({NUM})万元，完成预算的({NUM})%[；。])", first)
            if not m:
                continue
            n = len(part["items"])
            item = {
                "key": key,
                "name": name,
                "text": m.group(1),
                "amount": fig(f"/narrative/three_public/items/{n}/amount", m, 2, off),
            }
            item["change"] = (
                {"direction": "持平", "amount": None, "pct": None, "reason": None, "text": None}
                if re.search(rf"{pattern}支出决算持平", first)
                else None
            )
            item["execution"] = {
                "actual": _dec(m.group(2)),
                "rate_pct": fig(f"/narrative/three_public/items/{n}/execution/rate_pct", m, 3, off),
            }
            part["items"].append(item)
        narrative["three_public"] = part
    for key in ("government_fund", "state_capital"):
        title, off, body = section(key)
        if title:
            narrative[key] = {
                "title": title,
                "text": body,
                "has_expenditure": not re.search(r"无.{0,30}(?:收入和)?支出", body),
            }
    title, off, body = section("performance")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"编报绩效目标的\d{{4}}年度项目(\d+)个，涉及预算金额({NUM})万元", body)
        if m:
            part["project_count"] = fig("/narrative/performance/project_count", m, 1, off)
            part["total"] = fig("/narrative/performance/total", m, 2, off)
        m = re.search(rf"绩效跟踪评价的\d{{4}}年度项目(\d+)个，涉及预算金额({NUM})万元", body)
        if m:
            part["tracking"] = {
                "project_count": fig("/narrative/performance/tracking/project_count", m, 1, off),
                "total": fig("/narrative/performance/tracking/total", m, 2, off),
            }
        m = re.search(rf"绩效自评的\d{{4}}年度项目(\d+)个，涉及预算金额({NUM})万元，平均得分({NUM})分", body)
        if m:
            base = "/narrative/performance/self_evaluation"
            se = {
                "project_count": fig(f"{base}/project_count", m, 1, off),
                "total": fig(f"{base}/total", m, 2, off),
                "average_score": fig(f"{base}/average_score", m, 3, off),
                "grades": [],
            }
            for g in re.finditer(r"绩效评级为“(优|良|合格|不合格)”的项目(\d+)个", body):
                se["grades"].append(
                    {"name": g.group(1), "count": fig(f"{base}/grades/{len(se['grades'])}/count", g, 2, off)}
                )
            p = re.search(r"发现问题(\d+)个，已经完成整改的(\d+)个，正在整改的(\d+)个", body)
            if p:
                se["problems"] = {
                    k: fig(f"{base}/problems/{k}", p, i, off)
                    for i, k in enumerate(("found", "rectified", "rectifying"), 1)
                }
            part["self_evaluation"] = se
        narrative["performance"] = part
    title, off, body = section("operating_expenses")
    if title:
        part = {"title": title, "text": body}
        m = re.search(rf"机关运行经费支出({NUM})万元", body)
        if m:
            part["amount"] = fig("/narrative/operating_expenses/amount", m, 1, off)
        part["change"] = _change(reader, "/narrative/operating_expenses/change", body, off, r"\d{4}年度")
        narrative["operating_expenses"] = part
    title, off, body = section("procurement")
    if title:
        part = {"title": title, "text": body}
        for key, pattern in (
            ("total", r"政府采购金额（以合同签订为准）为"),
            ("goods", "货物采购金额"),
            ("works", "工程采购金额"),
            ("services", "服务采购金额"),
        ):
            m = re.search(rf"{pattern}({NUM})万元", body)
            if m:
                part[key] = fig(f"/narrative/procurement/{key}", m, 1, off)
        sme = {}
        for key, pattern in (
            ("reserved", "面向中小企业预留政府采购项目预算金额"),
            ("reserved_small_micro", "面向小微企业预留政府采购项目预算金额"),
            (
                "awarded_reserved",
                "在面向中小企业预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额",
            ),
            (
                "awarded_small_micro_reserved",
                "在面向小微企业预留政府采购项目中，由小微企业供应商中标或成交的，采购金额",
            ),
            ("awarded_other", "在其他政府采购项目中，由中小企业供应商中标或成交的，采购金额"),
        ):
            m = re.search(rf"{pattern}({NUM})万元", body)
            if m:
                sme[key] = fig(f"/narrative/procurement/sme/{key}", m, 1, off)
        if sme:
            part["sme"] = sme
        narrative["procurement"] = part
    title, off, body = section("assets")
    if title:
        part = {"title": title, "text": body}
        m = re.search(r"截至(\d{4})年(\d{1,2})月(\d{1,2})日", body)
        if m:
            part["as_of"] = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        m = re.search(r"共有车辆(\d+)辆", body)
        if m:
            vehicles = {"total": fig("/narrative/assets/vehicles/total", m, 1, off), "items": []}
            for v in re.finditer(r"([^，、：；。]+?用车)(\d+)辆", body[m.end() :]):
                shift = off + m.end()
                vehicles["items"].append(
                    {
                        "name": v.group(1).removeprefix("其中："),
                        "count": fig(
                            f"/narrative/assets/vehicles/items/{len(vehicles['items'])}/count", v, 2, shift
                        ),
                    }
                )
            part["vehicles"] = vehicles
        m = re.search(rf"(单价({NUM})万元（含）以上设备（不含车辆）(\d+)台（套）。?)", body)
        if m:
            part["equipment_held"] = {
                "threshold": _dec(m.group(2)),
                "count": fig("/narrative/assets/equipment_held/count", m, 3, off),
                "text": m.group(1),
            }
        narrative["assets"] = part
    for key, title, _ in found:
        if key not in narrative and key not in ("part5", "part11"):
            page, line, _ = text.where(sections[key][1])
            trace.report("IMPORT-04", page, line, title, f"the 决算 section 「{title}」 was not read")
    return narrative


def _lines_between(layout: Layout, start: str, stop: tuple[str, ...]) -> tuple[str, int | None, int | None]:
    """The text (spaces removed) from the line starting with `start` (exclusive) to the first line
    starting with one of `stop`, and where it starts."""
    out, where, inside = "", (None, None), False
    for page in layout.pages:
        for i, line in enumerate(page.lines, 1):
            squashed = _name(line.text)
            if not inside:
                if squashed.startswith(start) and page.number > 3:  # not the 目录
                    inside, where = True, (page.number, i)
                continue
            if squashed.startswith(stop):
                return out, *where
            out += squashed
    return out, *where


def _overview(layout: Layout, trace: Trace, units: Table | None) -> dict | None:
    title = next(
        (
            _name(line.text)
            for p in layout.pages
            if p.number > 3
            for line in p.lines[:2]
            if _name(line.text).startswith("第一部分")
        ),
        None,
    )
    if not title:
        return None
    out: dict = {"title": title}
    text, page, line = _lines_between(layout, "一、主要职能", ("二、",))
    if page:
        starts = [m.start() for m in re.finditer(r"（[一二三四五六七八九十]+）", text)]
        items = [text[a : starts[k + 1] if k + 1 < len(starts) else len(text)] for k, a in enumerate(starts)]
        out["duties"] = {"title": "一、主要职能", "items": items}
        if starts and starts[0] > 0:
            out["duties"]["text"] = text[: starts[0]]
        trace.at("/overview/duties", page, line, "一、主要职能")
    heading = next(
        (
            _name(ln.text)
            for p in layout.pages
            if p.number > 3
            for ln in p.lines
            if _name(ln.text).startswith("二、部门决算单位构成")
        ),
        None,
    )
    if heading:
        text, page, line = _lines_between(layout, heading, ("序号", "第二部分"))
        out["organization"] = {"title": heading, "text": text}
        if units is not None:
            out["organization"]["units"] = [
                {
                    "number": _name(r.cells[0]) or None,
                    "name": _name(r.cells[1]),
                    "note": _name(r.cells[2]) or None,
                }
                for r in units.rows
                if not _short(r, 3, trace, "部门决算单位构成")
            ]
    return out


def _glossary(layout: Layout, trace: Trace) -> dict | None:
    text, page, line = _lines_between(layout, "第四部分", ("第五部分",))
    if not page:
        return None
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=。))[一二三四五六七八九十]+、", text)]
    terms = []
    for k, a in enumerate(starts):
        entry = text[a : starts[k + 1] if k + 1 < len(starts) else len(text)]
        m = re.match(r"([一二三四五六七八九十]+、)(.+?)：(.*)$", entry)
        if m:
            terms.append({"number": m.group(1), "term": m.group(2), "definition": m.group(3)})
    trace.at("/glossary", page, line, "第四部分 名词解释")
    return {"title": "第四部分 名词解释", "sections": [{"terms": terms}]}


def _comparison(part: dict, text: str) -> None:
    m = re.search(r"决算数(大于|小于)预算数的主要原因[:：](.*?)。", text)
    if m:
        part["comparison"], part["reason"] = m.group(1), m.group(2)
        return
    m = re.search(r"决算数与预算数(基本持平|持平)", text)
    if m:
        part["comparison"], part["reason"] = m.group(1), None


def import_final(layout: Layout, name: str | None = None):
    """The 决算 as an Imported (budgetlint.importer.document), or NotADisclosure when no 决算 table
    with figures or rows is found."""
    from .document import FORMAT, Imported, NotADisclosure, _decimals, _is_figure, _order, _printed

    trace = Trace()
    kinds: dict[str, Table] = {}
    units = None
    for table in layout.tables:
        kind = _kind(table)
        if kind and kind not in kinds:
            kinds[kind] = table
        elif table.columns and [_inner(p) for p in table.columns] == ["序号", "单位名称", "备注"]:
            units = table
        elif table.title:
            trace.report(
                "IMPORT-03",
                table.pages[0],
                table.title_line,
                table.title,
                "a table of no known kind: not imported",
            )
    if not any(t.rows for t in kinds.values()):
        raise NotADisclosure(
            f"{name or layout.source}: a 决算 (final accounts) disclosure whose 决算表 print no rows "
            "budgetlint can read"
        )
    built: dict[str, dict] = {}
    for kind in keys_tagged("final"):
        table = kinds.get(kind)
        if table is None:
            trace.report("IMPORT-02", None, None, kind, f"the 决算 table {kind} was not found")
        elif kind == "final_summary":
            built[kind] = _summary(table, trace, layout)
        elif kind == "final_fiscal_summary":
            fiscal = _fiscal_summary(table, trace, layout)
            if fiscal is not None:
                built[kind] = fiscal
        elif kind == "final_basic_expenditure":
            built[kind] = _basic(table, trace, layout)
        elif kind == "final_three_public":
            built[kind] = _three_public(table, trace, layout)
        else:
            classified = _classified(table, kind, trace, layout)
            if classified is not None:
                built[kind] = classified
    cover = [_name(line.text) for line in (layout.pages[0].lines if layout.pages else [])][:6]
    year = next((int(t) for t in cover if re.fullmatch(r"\d{4}", t)), None)
    entity = cover[0] if cover else ""
    kind_word = "单位决算" if any("单位决算" in t for t in cover) else "部门决算"
    title = "".join(t for t in cover if not re.fullmatch(r"\d{4}", t))
    title = title.replace("年度", f"{year}年度", 1) if year and str(year) not in title else title
    if layout.pages:
        trace.at(
            "/title",
            layout.pages[0].number,
            1,
            layout.pages[0].lines[0].text if layout.pages[0].lines else "",
        )
        trace.at("/entity/name", layout.pages[0].number, 1, entity)
    doc: dict = {"format": FORMAT}
    if entity.startswith("上海市") and year:
        doc["profile"] = f"shanghai-{year}"
    doc["kind"] = kind_word
    doc["fiscal_year"] = year
    doc["amount_unit"] = "万元"
    doc["source"] = {
        "file": Path(layout.source).name,
        "note": "Imported by budgetlint import (决算); not checked by hand.",
    }
    doc["entity"] = {"name": entity}
    if entity.startswith("上海市") and "区" in entity:
        doc["entity"]["region"] = entity[: entity.index("区") + 1]
    doc["title"] = {"text": title, "year": year}
    narrative_page = next(
        (p.number for p in layout.pages for line in p.lines[:3] if _name(line.text).startswith("第三部分")),
        None,
    )
    overview = _overview(layout, trace, units)
    if overview:
        doc["overview"] = overview
    if narrative_page:
        doc["narrative"] = _narrative(layout, trace, narrative_page)
    doc["tables"] = built
    doc["performance_goals"] = []
    glossary = _glossary(layout, trace)
    if glossary:
        doc["glossary"] = glossary
    doc = _decimals(doc)
    doc["source"]["locations"] = dict(sorted(trace.locations.items(), key=lambda kv: _order(kv[0])))
    printed, rows_printed = _printed(kinds)
    table_figures = sum(1 for p in trace.locations if p.startswith("/tables/") and _is_figure(doc, p))
    return Imported(
        document=doc,
        findings=trace.findings,
        profile=doc.get("profile"),
        tables_found={kind: kinds[kind].pages for kind in built},
        tables_expected=tuple(keys_tagged("final")),
        figures_printed=printed,
        figures_placed=table_figures,
        narrative_figures=sum(
            1 for p in trace.locations if p.startswith("/narrative/") and _is_figure(doc, p)
        ),
        rows_printed=rows_printed,
        rows_placed=rows_printed - sum(1 for f in trace.findings if f.rule == "IMPORT-05"),
    )
