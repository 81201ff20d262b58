"""Two parts of the Jiangxi 情况说明 with sub-parts of their own: the 重点项目 note (⑴项目概述 …
⑺绩效目标) and the “三公” section (its total, then （一）…（三） items with their changes)."""

from __future__ import annotations

import re

from .narrative import Reader, Section, amount
from .narrative_jiangxi_parts import NUM, _change

LABELS = [("概述", "overview"), ("依据", "basis"), ("主体", "implementer"), ("方案", "plan"),
          ("周期", "period"), ("预算", "budget"), ("目标", "goal")]  # fmt: skip
# the Jiangxi items name 因公出国（境） without 费, and 公务用车购置及运行维护费 as one item
ITEMS = [
    ("outbound", r"因公出国[（(]境[）)]"),
    ("vehicles", r"公务用车购置及运行(?:维护)?费"),
    ("vehicle_purchase", r"公务用车购置费"),
    ("vehicle_operation", r"公务用车运行(?:维护)?费"),
    ("reception", r"公务接待费?"),
]
_LABEL = re.compile(r"([⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽][^：:]{2,10})[：:]")
_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"


def read_key_project(r: Reader, sec: Section, narrative: dict) -> None:
    projects = narrative.setdefault("key_projects", [])
    base = f"/narrative/key_projects/{len(projects)}"
    title = sec.title
    name = re.search(r"重点项目[：:](.+?)(?:项目)?情况说明$", title)
    out: dict = {"title": title, "project": name.group(1) if name else None, "labels": {}}
    text = sec.text
    found = list(_LABEL.finditer(text))
    for n, match in enumerate(found):
        key = next((k for word, k in LABELS if word in match.group(1)), None)
        if key is None or key in out["labels"]:
            continue
        end = found[n + 1].start() if n + 1 < len(found) else len(text)
        value, at = text[match.end() : end].strip(), match.end()
        out["labels"][key] = match.group(1)
        if key == "period":
            dates = re.search(rf"{_DATE}\s*至\s*{_DATE}", value)
            out[key] = {"text": value}
            if dates:
                g = [int(x) for x in dates.groups()]
                out[key] |= {"start": f"{g[0]}-{g[1]:02d}-{g[2]:02d}", "end": f"{g[3]}-{g[4]:02d}-{g[5]:02d}"}
        elif key == "budget":
            money = re.search(rf"({NUM})\s*万元", value)
            out[key] = {"text": value, "amount": amount(money.group(1)) if money else None}
            if money:
                r.record(f"{base}/budget/amount", sec, text.find(money.group(0), at))
        elif key == "goal":
            out[key] = {
                "text": value,
                "quantities": _quantities(r, sec, f"{base}/goal/quantities", text, at, end),
            }
        else:
            out[key] = value
    if not out["labels"]:
        r.missing(sec, "the 重点项目 note's parts (⑴项目概述 …)")
    projects.append(out)


def _quantities(r: Reader, sec: Section, pointer: str, text: str, start: int, end: int) -> list:
    """The counts and sums a goal states (做实 240 人, 预算资金安排 1200 万元), named by the words
    printed before them."""
    out = []
    for m in re.finditer(rf"([\u4e00-\u9fff]{{2,6}}?)\s*({NUM})\s*(人|万元|个|次|户)", text[start:end]):
        words = re.split(r"本年度|预测|根据", m.group(1))[-1]  # the words right before the figure
        name = re.sub(r"安排$", "", words) or words
        r.record(f"{pointer}/{len(out)}/value", sec, start + m.start(2))
        out.append({"name": name, "value": amount(m.group(2)), "unit": m.group(3)})
    return out


def read_three_public(r: Reader, sec: Section, narrative: dict) -> None:
    text, base = sec.text, "/narrative/three_public"
    heads = [m.start() for m in re.finditer(r"（[一二三四五六七八九十]）", text)]
    intro = text[: heads[0]] if heads else text
    year = re.search(r"(\d{4})\s*年", sec.title)
    out: dict = {"title": sec.title, "text": intro, "year": int(year.group(1)) if year else None}
    total = re.search(rf"“?三公”?经费(?:支出)?(?:预算数)?(?:为|共计|合计)?\s*({NUM})\s*万元", intro)
    if not total:
        r.missing(sec, "the 三公 total")
    else:
        r.record(f"{base}/total/amount", sec, total.start(1))
        change = _change(r, sec, f"{base}/total/change", intro, total.end())
        if change:
            change["text"] = None
        out["total"] = {"amount": amount(total.group(1)), "change": change}
    items = []
    for n, at in enumerate(heads):
        end = heads[n + 1] if n + 1 < len(heads) else len(text)
        item_text = text[at:end]
        key, name = next(((k, re.search(p, item_text)) for k, p in ITEMS if re.search(p, item_text)),
                         (None, None))  # fmt: skip
        money = re.search(rf"({NUM})\s*万元", item_text)
        if key is None or money is None:
            r.trace.report("IMPORT-04", *sec.at(at)[:2], item_text, "a “三公” item not read")
            continue
        pointer = f"{base}/items/{len(items)}"
        r.record(f"{pointer}/amount", sec, at + money.start(1))
        label = re.match(r"（.）(.+?)(?:支出预算数为|支出预算|支出)", item_text)
        items.append({
            "key": key,
            "name": label.group(1) if label else name.group(0),
            "text": item_text,
            "amount": amount(money.group(1)),
            "change": _change(r, sec, f"{pointer}/change", text[:end], at + money.end()),
        })  # fmt: skip
    out["items"] = items
    narrative["three_public"] = out
