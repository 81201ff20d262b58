"""The parts of the Jiangxi 情况说明, each read by the wording its template prints.

Every figure is read from the text as printed (`2495.56万元`, `83%`, `7个`) and its line recorded;
a part whose heading is found but whose figures are not is reported (IMPORT-04), never filled in.
"""

from __future__ import annotations

import re

from .narrative import Reader, Section, amount

NUM = r"\d[\d,]*(?:\.\d+)?"
_LIST_ITEM = re.compile(rf"([^，、；。：]+?)\s*({NUM})\s*万元")
_SHARE_ITEM = re.compile(rf"([^，、；。：]+?)\s*({NUM})\s*万元，占[^，；。]*?的\s*({NUM})%")
_CHANGE = re.compile(rf"(?:同比|比上年|较上年)(增加|减少|下降|增长)\s*({NUM})?\s*(万元|%)?")


def _change(r: Reader, sec: Section, pointer: str, text: str, at: int = 0) -> dict | None:
    """{direction, amount, pct, reason, text} of the first change on last year after `at`."""
    match = _CHANGE.search(text, at)
    if not match:
        return None
    out: dict = {"direction": match.group(1), "amount": None, "pct": None}
    rest = text[match.end() :]
    if match.group(2) is not None:
        key = "pct" if match.group(3) == "%" else "amount"
        out[key] = amount(match.group(2))
        r.record(f"{pointer}/{key}", sec, match.start(2))
    pct = re.match(rf"，(?:下降|增长|减少|增加)\s*({NUM})%", rest)
    if pct and out["pct"] is None:
        out["pct"] = amount(pct.group(1))
        r.record(f"{pointer}/pct", sec, match.end() + pct.start(1))
    # 主要原因是：…。 states a reason (kept with its full stop, as printed); 主要原因同… refers to one
    reason = re.search(r"主要原因是[：:]?(.+?。)", rest) or re.search(r"主要原因(同[^。]+)", rest)
    out["reason"] = reason.group(1) if reason else None
    said = re.match(r"，([^，。]+?)。", rest)
    out["text"] = said.group(1) if said and not reason and "原因" not in said.group(1) else None
    return out


def _items(r: Reader, sec: Section, pointer: str, clause: str, at: int, shares: bool = False) -> list:
    out = []
    for match in (_SHARE_ITEM if shares else _LIST_ITEM).finditer(clause):
        item = {"name": match.group(1).strip(), "amount": amount(match.group(2))}
        r.record(f"{pointer}/{len(out)}/amount", sec, at + match.start(2))
        if shares:
            item["share_pct"] = amount(match.group(3))
            r.record(f"{pointer}/{len(out)}/share_pct", sec, at + match.start(3))
        out.append(item)
    return out


def _figure(r: Reader, sec: Section, out: dict, key: str, pattern: str, pointer: str) -> bool:
    match = re.search(pattern, sec.text)
    if match:
        out[key] = amount(match.group(1))
        r.record(pointer, sec, match.start(1))
    return bool(match)


def read_totals(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    """（一）收入预算情况 / （二）支出预算情况: total, change, and the 其中 lists."""
    text, base = sec.text, f"/narrative/{key}"
    out: dict = {"title": sec.title, "text": text}
    word = "收入" if key == "revenue" else "支出"
    if not _figure(r, sec, out, "total", rf"{word}预算总额为\s*({NUM})\s*万元", f"{base}/total"):
        return r.missing(sec, f"the {word}预算总额")
    out["change"] = _change(r, sec, f"{base}/change", text)
    if key == "revenue":
        at = text.find("其中")
        out["items"] = _items(r, sec, f"{base}/items", text[at:], at, shares=True) if at >= 0 else []
    for part, label in (("basic", "基本支出"), ("project", "项目支出")):
        match = re.search(rf"{label}\s*({NUM})\s*万元，包括(.+?)。", text)
        if match:
            r.record(f"{base}/{part}/amount", sec, match.start(1))
            items = _items(r, sec, f"{base}/{part}/items", match.group(2), match.start(2))
            out[part] = {"amount": amount(match.group(1)), "items": items}
    by_function = re.search(r"按支出功能科目划分[：:](.+?)。", text)
    if by_function:
        out["by_function"] = _items(r, sec, f"{base}/by_function", by_function.group(1), by_function.start(1))
    narrative[key] = out


def read_fiscal(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    """（三）财政拨款支出情况: the total and each 科目 with its share."""
    out: dict = {"title": sec.title, "text": sec.text}
    if not _figure(r, sec, out, "total", rf"财政拨款支出预算\s*({NUM})\s*万元", f"/narrative/{key}/total"):
        return r.missing(sec, "the 财政拨款支出 total")
    at = max(sec.text.find("具体支出情况是"), 0)
    clause = sec.text[at:].replace("具体支出情况是：", "", 1)
    at = len(sec.text) - len(clause)
    out["items"] = _items(r, sec, f"/narrative/{key}/items", clause, at, shares=True)
    narrative[key] = out


def read_none(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    """（四）政府性基金 / （五）国有资本经营: a statement that there is no such expenditure."""
    out: dict = {"title": sec.title, "text": sec.text}
    if re.search(r"没有|无", sec.text):
        out["has_expenditure"] = False
    narrative[key] = out


def read_operating(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    out: dict = {"title": sec.title, "text": sec.text}
    if not _figure(
        r, sec, out, "amount", rf"机关运行经费(?:预算)?\s*({NUM})\s*万元", f"/narrative/{key}/amount"
    ):
        return r.missing(sec, "the 机关运行经费 amount")
    out["change"] = _change(r, sec, f"/narrative/{key}/change", sec.text)
    narrative[key] = out


def read_procurement(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    out: dict = {"title": sec.title, "text": sec.text}
    base = f"/narrative/{key}"
    if not _figure(r, sec, out, "total", rf"政府采购(?:预算)?总额\s*({NUM})\s*万元", f"{base}/total"):
        return r.missing(sec, "the 政府采购 total")
    for part, word in (("goods", "货物"), ("works", "工程"), ("services", "服务")):
        _figure(r, sec, out, part, rf"{word}(?:类)?(?:预算)?\s*({NUM})\s*万元", f"{base}/{part}")
    narrative[key] = out


def read_assets(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    text, base = sec.text, f"/narrative/{key}"
    out: dict = {"title": sec.title, "text": text}
    date = re.search(r"截至\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    if date:
        out["as_of"] = f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
    held = re.search(r"共有车辆\s*(\d+)\s*辆(?:，其中[，：:](.*?)[；。])?", text)
    if not held:
        return r.missing(sec, "the 国有资产 vehicles")
    items = []
    for m in re.finditer(r"([^、，：；]+?)\s*(\d+)\s*辆", held.group(2) or ""):
        r.record(f"{base}/vehicles/items/{len(items)}/count", sec, held.start(2) + m.start(2))
        items.append({"name": m.group(1).strip(), "count": int(m.group(2))})
    out["vehicles"] = {"total": int(held.group(1)), "items": items}
    r.record(f"{base}/vehicles/total", sec, held.start(1))
    planned = re.search(r"安排购置车辆\s*(\d+)\s*辆", text)
    if planned:
        out["planned_vehicle_purchases"] = int(planned.group(1))
        r.record(f"{base}/planned_vehicle_purchases", sec, planned.start(1))
    none = re.search(r"(未安排购置单位价值\s*(\d+)\s*万元以上大型设备)", text)
    if none:  # 未安排 is the count the text states: none
        out["large_equipment"] = {"threshold": int(none.group(2)), "count": 0, "text": none.group(1)}
        r.record(f"{base}/large_equipment/threshold", sec, none.start(2))
        r.record(f"{base}/large_equipment/count", sec, none.start(1))
    narrative[key] = out


def read_performance(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    text, base = sec.text, f"/narrative/{key}"
    out: dict = {"title": sec.title, "text": text}
    count = re.search(r"安排项目\s*(\d+)\s*个", text)
    if not count or not _figure(r, sec, out, "total", rf"项目预算金额合计\s*({NUM})\s*万元", f"{base}/total"):
        return r.missing(sec, "the 绩效目标 count and total")
    out["project_count"] = int(count.group(1))
    r.record(f"{base}/project_count", sec, count.start(1))
    at = text.find("其中", count.end())
    projects = []
    for clause in re.finditer(r"[^；。]+", text[at + 3 :] if at >= 0 else ""):
        m = re.match(rf"^(.+?)(?:项目预算金额|项目资金)?\s*({NUM})\s*万元$", clause.group(0).strip())
        if m:
            r.record(f"{base}/projects/{len(projects)}/amount", sec, at + 3 + clause.start() + m.start(2))
            projects.append({"name": m.group(1).strip(), "amount": amount(m.group(2))})
    out["projects"] = projects
    narrative[key] = out


PARTS = [
    ("revenue", "收入预算", read_totals),
    ("expenditure", "支出预算", read_totals),
    ("fiscal_appropriation", "财政拨款支出", read_fiscal),
    ("government_fund", "政府性基金", read_none),
    ("state_capital", "国有资本经营", read_none),
    ("operating_expenses", "机关运行经费", read_operating),
    ("procurement", "政府采购", read_procurement),
    ("assets", "国有资产", read_assets),
    ("performance", "绩效目标", read_performance),
]
