"""项目支出绩效目标表 from plain text: the form's labelled fields and its indicator rows.

A form prints label cells (项目名称, 主管部门及代码, 实施单位, 项目资金（万元）, 年度资金总额 …, 年度绩效目标)
with their values after them, each wrapped over as many lines as its cell needed, then a header
(一级指标 二级指标 三级指标 指标值) and the indicator rows. A row ends with its value (≥98%, ≤9300元,
符合规定), so lines are joined until one ends with a value; a 一级/二级 name printed only on the
first row of its group (a merged cell) carries down to the rows under it. A form whose project name
or funds are not found is reported (IMPORT-04), not filled in.
"""

from __future__ import annotations

import re

from .model import Layout, Table
from .rows import NotAnAmount, parse_amount
from .source import Trace

LABELS = {
    "project": "项目名称",
    "department": "主管部门及代码",
    "implementer": "实施单位",
    "funds": "项目资金（万元）",
    "funds_total": "年度资金总额",
    "funds_fiscal": "其中：财政拨款",
    "funds_other": "其他资金",
    "funds_carryover": "上年结转",
    "annual_goal": "年度绩效目标",
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "value": "指标值",
}
FUNDS = [
    ("total", "年度资金总额"),
    ("fiscal", "其中：财政拨款"),
    ("other", "其他资金"),
    ("carryover", "上年结转"),
]
LEVEL1 = ["满意度指标", "成本指标", "产出指标", "效益指标"]
LEVEL2 = [
    "生态环境成本指标",
    "社会成本指标",
    "经济成本指标",
    "数量指标",
    "质量指标",
    "时效指标",
    "社会效益指标",
    "经济效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "服务对象满意度",
]
_VALUE = re.compile(r"^(?:[≤≥<>=＜＞≦≧]\s*\S+|\d[\d.,]*%?\S{0,3}|符合规定|达标|合格)$")
_HEADER = re.compile(r"^一级指标\s*二级指标\s*三级指标\s*指标值$")


def form_lines(layout: Layout, table: Table) -> list[tuple[int, int, str]]:
    """(page, line, text) of the form: from its title to the next table's title."""
    titles = {(t.pages[0], t.title_line) for t in layout.tables if t.title_line}
    out: list[tuple[int, int, str]] = []
    for page in layout.pages:
        if page.number < table.pages[0]:
            continue
        start = table.title_line if page.number == table.pages[0] else 1
        for i, line in enumerate(page.lines[start - 1 :], start):
            if out and (page.number, i) in titles:
                return out
            out.append((page.number, i, line.text.strip()))
    return out


def _between(lines: list, first: str, stops: tuple[str, ...]) -> tuple[str, tuple | None]:
    """The text after the label `first` (on its line or the next ones) up to a line starting a stop."""
    text, where = "", None
    for k, (page, number, line) in enumerate(lines):
        if line.startswith(first):
            rest = line[len(first) :].strip()
            text, where = rest, (page, number, line)
            for _, _, after in lines[k + 1 :]:
                if after.startswith(stops):
                    break
                text += after
            return text, where
    return "", None


def read_form(lines: list, trace: Trace, n: int) -> dict | None:
    base = f"/performance_goals/{n}"
    title_page, title_line, title = lines[0]
    year_label = next((t for _, _, t in lines[1:3] if re.fullmatch(r"（\d{4}年度?）", t)), None)
    project, at = _between(lines, "项目名称", ("主管部门",))
    department, printed = _between(lines, "主管部门及代码", ("实施单位",))
    implementer, _ = _between(lines, "实施单位", ("项目资金",))
    goal, _ = _between(lines, "年度绩效目标", ("一级指标",))
    if not project or at is None:
        trace.report(
            "IMPORT-04", title_page, title_line, title, "a 项目支出绩效目标表 whose 项目名称 was not found"
        )
        return None
    out: dict = {"title": title, "year_label": year_label}
    out["year"] = int(re.search(r"\d{4}", year_label).group(0)) if year_label else None
    out["project"] = project
    trace.at(f"{base}/project", *at)
    dept = re.match(r"^(\d+)\s*[-－—]\s*(.+)$", department)
    out["department"] = {"text": department} | (
        {"code": dept.group(1), "name": dept.group(2)} if dept else {}
    )
    if printed:
        trace.at(f"{base}/department/text", *printed)
    out["implementer"] = implementer
    unit = next((u for _, _, t in lines for u in re.findall(r"（(万元|元)）", t)), None)
    funds: dict = {"unit": unit}
    for key, label in FUNDS:
        line = next(((p, i, t) for p, i, t in lines if t.startswith(label)), None)
        figure = line[2][len(label) :].strip() if line else ""
        try:
            funds[key] = parse_amount(figure)
        except NotAnAmount:
            funds[key] = None
        if funds[key] is None:
            trace.report("IMPORT-04", title_page, title_line, project, f"{label} of the form not read")
            continue
        trace.at(f"{base}/funds/{key}", *line)
    out["funds"] = funds
    out["annual_goal"] = goal
    out["indicators"] = _indicators(lines, trace, base)
    out["labels"] = dict(LABELS, funds=f"项目资金（{unit}）" if unit else "项目资金")
    return out


def _indicators(lines: list, trace: Trace, base: str) -> list[dict]:
    start = next((k for k, (_, _, t) in enumerate(lines) if _HEADER.match(t)), None)
    if start is None:
        return []
    out: list[dict] = []
    level1 = level2 = None
    pending = ""  # a row's names so far: a wrapped cell joins its next line without a space
    for page, number, text in lines[start + 1 :]:
        tokens = text.split()
        if not tokens or not _VALUE.match(tokens[-1]):
            pending += "".join(tokens)
            continue
        name = pending + "".join(tokens[:-1])
        for vocabulary in (LEVEL1, LEVEL2):
            word = next((w for w in vocabulary if name.startswith(w)), None)
            if word is not None:
                level1, level2 = (word, None) if vocabulary is LEVEL1 else (level1, word)
                name = name[len(word) :]
        pointer = f"{base}/indicators/{len(out)}"
        trace.at(f"{pointer}/value", page, number, text)
        out.append({"level1": level1, "level2": level2, "level3": name, "value": tokens[-1]})
        pending = ""
    return out
