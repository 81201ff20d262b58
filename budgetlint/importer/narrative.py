"""The narrative claims that regular expressions read reliably, from the pages without tables.

Read: the 编制说明's per-line amounts and changes with their base (narrative.lines) and the reason
stated once (change_reason); the per-科目 items (subject_items: names by （类）（款）（项） or by
dashes, amount, purpose); the 三公 section (total and items with their change and reason); 机关运行经费;
政府采购 (total, goods, works, services); 绩效目标 (project count, total); 国有资产 (date, vehicles
by type, planned purchases, large equipment); the overview's duties and organization; the glossary.
Each figure's line is recorded in the source map. A section whose heading is found but whose
figure is not is reported (IMPORT-04), not guessed. Not read: project notes, performance forms,
the Jiangxi narrative's share lists (they are left out, so the rules that need them skip).
"""

from __future__ import annotations

import re
from decimal import Decimal

from .model import Layout
from .source import Trace

NUM = r"\d[\d,]*(?:\.\d+)?"
_PUNCT_FREE_HEADING = re.compile(r"^[^。；，]{2,40}$")
_SUB = re.compile(r"^[一二三四五六七八九十]+、\S")
_ITEM = re.compile(r"^(\d+)[.．、]\s*")
_TERM = re.compile(r"^(（[一二三四五六七八九十]+）)")
_CHANGE = re.compile(
    rf"(?:比|与|较)(?P<year>\d{{4}})年(?:度)?(?P<base>预算执行数|预算|决算)?(?P<dir>增加|减少|增长|下降|持平)"
    rf"(?:(?P<amount>{NUM})万元)?(?:[，,]?(?:增长|下降|减少|增加)?(?P<pct>{NUM})%)?"
)
LINE_LABELS = [
    ("一般公共预算拨款支出预算", "general_budget_expenditure"),
    ("政府性基金拨款支出预算", "government_fund_expenditure"),
    ("国有资本经营预算拨款支出预算", "state_capital_expenditure"),
    ("财政拨款支出预算", "fiscal_expenditure"),
    ("财政拨款收入", "fiscal_revenue"),
    ("事业单位经营收入", "operating_income"),
    ("事业收入", "business_income"),
    ("其他收入", "other_income"),
    ("收入预算", "revenue_total"),
    ("支出预算", "expenditure_total"),
]
THREE_PUBLIC_ITEMS = [
    ("outbound", r"因公出国[（(]境[）)]费"),
    ("vehicles", r"公务用车购置及运行(?:维护)?费"),
    ("vehicle_purchase", r"公务用车购置费"),
    ("vehicle_operation", r"公务用车运行(?:维护)?费"),
    ("reception", r"公务接待费"),
]


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


class Section:
    """A heading and the lines under it, joined: offsets map back to (page, line, printed line)."""

    def __init__(self, title: str, where: tuple[int, int], lines: list[tuple[int, int, str]]):
        self.title, self.where, self.lines = title, where, lines
        self.text = ""
        self.starts: list[int] = []
        for _, _, text in lines:
            self.starts.append(len(self.text))
            self.text += text.strip()

    def at(self, offset: int) -> tuple[int, int, str]:
        k = max((i for i, s in enumerate(self.starts) if s <= offset), default=0)
        return self.lines[k] if self.lines else (self.where[0], self.where[1], self.title)


class Reader:
    def __init__(self, layout: Layout, trace: Trace, year: int | None):
        self.trace, self.year = trace, year
        table_pages = {p for t in layout.tables for p in t.pages}
        # the 目录 lists the headings: its page is not narrative
        table_pages |= {
            p.number for p in layout.pages if p.lines and re.sub(r"\s", "", p.lines[0].text) == "目录"
        }
        # plain text may run the narrative and the tables on one page (the seed has no page
        # breaks): there a page's narrative is its lines above the first table's title
        first_title = {}
        if layout.kind == "text":
            for t in layout.tables:
                if t.title_line and t.pages[0] not in first_title:
                    first_title[t.pages[0]] = t.title_line
            table_pages -= set(first_title)
        self.lines = [
            (page.number, i, line.text.strip())
            for page in layout.pages
            if page.number not in table_pages
            for i, line in enumerate(page.lines, 1)
            if i < first_title.get(page.number, i + 1)
        ]

    def heading(self, test) -> int | None:
        for k, (_, _, text) in enumerate(self.lines):
            if _PUNCT_FREE_HEADING.match(text) and test(text):
                return k
        return None

    def section(self, start: int | None, stop) -> Section | None:
        if start is None:
            return None
        page, line, title = self.lines[start]
        body = []
        for entry in self.lines[start + 1 :]:
            if _PUNCT_FREE_HEADING.match(entry[2]) and stop(entry[2]):
                break
            body.append(entry)
        return Section(title, (page, line), body)

    def record(self, pointer: str, section: Section, offset: int) -> None:
        page, line, text = section.at(offset)
        self.trace.at(pointer, page, line, text)

    def missing(self, section: Section, what: str) -> None:
        self.trace.report("IMPORT-04", section.where[0], section.where[1], section.title, f"{what} not read")

    # --- claims ---------------------------------------------------------------------------------

    def change(self, text: str) -> dict | None:
        match = _CHANGE.search(text)
        if not match:
            return None
        base = match.group("base")
        out = {
            "direction": match.group("dir"),
            "amount": amount(match.group("amount")) if match.group("amount") else None,
            "pct": amount(match.group("pct")) if match.group("pct") else None,
        }
        if base and self.year and int(match.group("year")) == self.year - 1:
            out["base"] = "上年" + base
        reason = re.search(r"主要原因是[：:]?(.+?)[。；]", text)
        out["reason"] = reason.group(1) if reason else None
        out["text"] = match.group(0)  # the wording as printed (比…持平 is a rule's concern)
        return out


def _stop_major(text: str) -> bool:
    return bool(re.search(r"(主要职能|主要职责|机构设置|名词解释|编制说明|其他相关情况说明|目\s*录)$", text))


def read_lines(r: Reader, sec: Section, narrative: dict) -> None:
    head = re.split(r"财政拨款收入支出(?:增加|减少)|财政拨款支出主要内容", sec.text)[0]
    lines, seen = [], set()
    for match in re.finditer(rf"([^\d，；。：:、]+?)({NUM})万元", head):
        label_run = match.group(1)
        key, label = next(((k, lab) for lab, k in LINE_LABELS if label_run.endswith(lab)), (None, None))
        if key is None or key in seen:
            continue
        seen.add(key)
        tail = head[match.end() :]
        clause = re.split(r"[；。]|其中", tail, maxsplit=1)[0]
        pointer = f"/narrative/lines/{len(lines)}"
        r.record(pointer + "/amount", sec, match.start(2))
        change = r.change(clause) if clause.startswith(("，比", "，与", "，较", "比", "与")) else None
        if change is not None:
            change["reason"] = None
            if change["amount"] is not None:
                r.record(pointer + "/change/amount", sec, match.end() + clause.find("万元") - 1)
        lines.append({"key": key, "label": label, "amount": amount(match.group(2)), "change": change})
    if lines:
        narrative["lines"] = lines
    else:
        r.missing(sec, "the 编制说明's revenue and expenditure lines")
    reason = re.search(r"财政拨款收入支出(?:增加|减少)的主要原因是[：:]?(.+?)。", sec.text)
    if reason:
        narrative["change_reason"] = reason.group(1)
        r.record("/narrative/change_reason", sec, reason.start(1))


def read_subject_items(r: Reader, sec: Section, narrative: dict) -> None:
    start = sec.text.find("主要内容如下")
    if start < 0:
        return
    items = []
    bounds = [(sec.starts[k], text) for k, (_, _, text) in enumerate(sec.lines) if sec.starts[k] > start]
    heads = [offset for offset, text in bounds if _ITEM.match(text)]
    for n, offset in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(sec.text)
        text = sec.text[offset:end]
        number = _ITEM.match(text)
        quoted = re.search(rf"“([^”]+)”(?:科目)?({NUM})万元[，,]?(?:主要用于(.*?))?\s*。?$", text)
        if not quoted:
            r.trace.report("IMPORT-04", *sec.at(offset)[:2], text, "a 财政拨款支出 item not read")
            continue
        names_text = quoted.group(1)
        parts = re.match(r"(.+?)[（(]类[）)](.+?)[（(]款[）)](.+?)[（(]项[）)]$", names_text)
        parts = (
            parts.groups() if parts else tuple(names_text.split("-")) if names_text.count("-") == 2 else None
        )
        pointer = f"/narrative/subject_items/{len(items)}"
        r.record(pointer + "/amount", sec, offset + quoted.start(2))
        item = {"number": number.group(0).strip(), "text": text}
        if parts:
            item["names"] = {"class": parts[0], "section": parts[1], "item": parts[2]}
        item["amount"] = amount(quoted.group(2))
        if quoted.group(3) is not None:
            item["purpose"] = quoted.group(3).strip()
        item["change"] = None
        items.append(item)
    if items:
        narrative["subject_items"] = items


def read_three_public(r: Reader, sec: Section, narrative: dict) -> None:
    text = sec.text
    out: dict = {"title": sec.title, "text": text}
    year = re.match(r"^.{0,4}?(\d{4})年", sec.title)
    out["year"] = int(year.group(1)) if year else None
    total = re.search(rf"“?三公”?经费(?:预算数|预算|支出)?(?:为|共计|合计)?({NUM})万元", text)
    if total:
        clause = re.split(r"[。；]|其中", text[total.end() :], maxsplit=1)[0]
        change = r.change(clause)
        if change:
            change["reason"] = None
        out["total"] = {"amount": amount(total.group(1)), "change": change}
        r.record("/narrative/three_public/total/amount", sec, total.start(1))
    else:
        r.missing(sec, "the 三公 total")
    found = []
    for key, name in THREE_PUBLIC_ITEMS:
        match = re.search(rf"(?:（[一二三四五六]）|其中[：:])?(?P<name>{name})(?P<amount>{NUM})万元", text)
        if match:
            found.append((match.start(), key, match))
    found.sort()
    items = []
    for n, (start, key, match) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(text)
        item_text = text[start:end]
        pointer = f"/narrative/three_public/items/{len(items)}"
        r.record(pointer + "/amount", sec, match.start("amount"))
        items.append({
            "key": key,
            "name": match.group("name"),
            "text": item_text,
            "amount": amount(match.group("amount")),
            "change": r.change(item_text[match.end() - start :]),
        })  # fmt: skip
    out["items"] = items
    narrative["three_public"] = out


def read_simple(r: Reader, sec: Section, narrative: dict, key: str) -> None:
    text = sec.text
    out: dict = {"title": sec.title, "text": text}
    if key == "operating_expenses":
        match = re.search(rf"机关运行经费(?:预算)?(?:为|共计|合计)?({NUM})万元", text)
        if not match:
            return r.missing(sec, "the 机关运行经费 amount")
        out["amount"] = amount(match.group(1))
        r.record("/narrative/operating_expenses/amount", sec, match.start(1))
        out["change"] = r.change(text[match.end() :])
    elif key == "procurement":
        total = re.search(rf"政府采购预算(?:总额)?(?:为|共计|合计)?({NUM})万元", text)
        if not total:
            return r.missing(sec, "the 政府采购 total")
        out["total"] = amount(total.group(1))
        r.record("/narrative/procurement/total", sec, total.start(1))
        for part, word in (("goods", "货物"), ("works", "工程"), ("services", "服务")):
            match = re.search(rf"{word}(?:类)?(?:预算)?({NUM})万元", text)
            if match:
                out[part] = amount(match.group(1))
                r.record(f"/narrative/procurement/{part}", sec, match.start(1))
    elif key == "performance":
        count = re.search(r"绩效目标的项目共(\d+)个", text)
        total = re.search(rf"(?:项目预算资金|预算金额|资金)(?:共计|合计)?({NUM})万元", text)
        if not count and not total:
            return r.missing(sec, "the 绩效目标 count and total")
        if count:
            out["project_count"] = int(count.group(1))
            r.record("/narrative/performance/project_count", sec, count.start(1))
        if total:
            out["total"] = amount(total.group(1))
            r.record("/narrative/performance/total", sec, total.start(1))
    elif key == "assets":
        read_assets(r, sec, out)
    narrative[key] = out


def read_assets(r: Reader, sec: Section, out: dict) -> None:
    text = sec.text
    date = re.search(r"截至(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if date:
        out["as_of"] = f"{date.group(1)}-{int(date.group(2)):02d}-{int(date.group(3)):02d}"
    held = re.search(r"共有车辆(\d+)辆(?:，其中[：:](.*?)[；。])?", text)
    if held:
        items = []
        for m in re.finditer(r"([^、，：；]+?)(\d+)辆", held.group(2) or ""):
            r.record(f"/narrative/assets/vehicles/items/{len(items)}/count", sec, held.start(2) + m.start(2))
            items.append({"name": m.group(1), "count": int(m.group(2))})
        out["vehicles"] = {"total": int(held.group(1)), "items": items}
        r.record("/narrative/assets/vehicles/total", sec, held.start(1))
    planned = re.search(r"安排购置车辆(\d+)辆", text)
    if planned:
        out["planned_vehicle_purchases"] = int(planned.group(1))
        r.record("/narrative/assets/planned_vehicle_purchases", sec, planned.start(1))
    equipment = list(re.finditer(r"([^；。]*?单价(\d+)万元（含）以上设备[^；。]*?(\d+)台（套）)", text))
    if equipment:
        last = equipment[-1]
        out["large_equipment"] = {"threshold": int(last.group(2)), "count": int(last.group(3)),
                                  "text": last.group(1)}  # fmt: skip
        r.record("/narrative/assets/large_equipment/count", sec, last.start(3))
        r.record("/narrative/assets/large_equipment/threshold", sec, last.start(2))
    if not held and not planned:
        r.missing(sec, "the 国有资产 vehicles")


SUBSECTIONS = [
    ("three_public", "三公"),
    ("operating_expenses", "机关运行经费"),
    ("procurement", "政府采购"),
    ("performance", "绩效目标"),
    ("assets", "国有资产"),
]


def read_overview(r: Reader) -> dict | None:
    start = r.heading(lambda t: bool(re.search(r"(主要职能|主要职责)$", t)))
    sec = r.section(start, _stop_major)
    if sec is None:
        return None
    items: dict[str, str] = {}
    current, page = None, None
    for number, _, text in sec.lines:
        match = re.match(r"^(\d+)[、.．]", text)
        if number != page and current is not None and items[current].endswith(("。", "；")):
            current = None  # a finished item does not go on at the top of the next page
        page = number
        if match and match.group(1) not in items:
            current = match.group(1)
            items[current] = text
        elif match:
            current = None  # a repeated list (the same text box extracted on two pages)
        elif current is not None:
            items[current] += text
    out: dict = {"title": sec.title}
    if items:
        out["duties"] = {"title": sec.title, "items": list(items.values())}
    org = r.section(r.heading(lambda t: "机构设置" in t), _stop_major)
    if org is not None and org.text:
        out["organization"] = {"title": org.title, "text": org.text}
    return out


def read_glossary(r: Reader) -> dict | None:
    sec = r.section(r.heading(lambda t: t.endswith("名词解释")), _stop_major)
    if sec is None:
        return None
    terms, current = [], None
    for _, _, text in sec.lines:
        match = _TERM.match(text)
        if match:
            current = {"number": match.group(1), "raw": text[match.end() :]}
            terms.append(current)
        elif current is not None:
            current["raw"] += text
    out_terms = []
    for term in terms:
        match = re.match(r"^(.+?)[：:](.*)$", term["raw"])
        if match:
            out_terms.append({"number": term["number"], "term": match.group(1), "definition": match.group(2)})
    if not out_terms:
        return None
    return {"title": sec.title, "sections": [{"terms": out_terms}]}


def read_narrative(layout: Layout, trace: Trace, year: int | None) -> dict:
    """{"overview": …, "glossary": …, "narrative": …} for the parts found (absent when not)."""
    r = Reader(layout, trace, year)
    from .narrative_jiangxi import is_jiangxi, read_jiangxi

    if is_jiangxi(r):  # the Jiangxi 情况说明's own parts and wording
        return read_jiangxi(r)
    out: dict = {}
    overview = read_overview(r)
    if overview:
        out["overview"] = overview
    glossary = read_glossary(r)
    if glossary:
        out["glossary"] = glossary
    narrative: dict = {}
    start = r.heading(lambda t: t.endswith("编制说明") or t.endswith("预算情况说明"))
    sec = r.section(start, lambda t: _stop_major(t) or bool(_SUB.match(t)))
    if sec is not None:
        narrative["title"] = sec.title
        found = re.match(r"^(\d{4})年", sec.title)
        narrative["year"] = int(found.group(1)) if found else None
        read_lines(r, sec, narrative)
        read_subject_items(r, sec, narrative)
    for key, word in SUBSECTIONS:
        k = r.heading(lambda t, w=word: bool(_SUB.match(t)) and w in t)
        sub = r.section(k, lambda t: _stop_major(t) or bool(_SUB.match(t)))
        if sub is None:
            continue
        if key == "three_public":
            read_three_public(r, sub, narrative)
        else:
            read_simple(r, sub, narrative, key)
    if narrative:
        out["narrative"] = narrative
    return out
