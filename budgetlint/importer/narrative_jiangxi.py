"""The Jiangxi 部门预算's text (the seed's template): part headings, 概况, 情况说明, 名词解释.

Its 情况说明 is not the Shanghai 编制说明: under 一、…收支情况说明 it prints numbered parts
（一）收入预算情况 … （九）绩效目标设置情况, （十）重点项目：…, then 二、…“三公”经费预算情况说明 with
its own （一）…（三） items. The parts are found by their headings and read by the wording the
template uses (narrative_jiangxi_parts); a part whose heading is printed but whose figures are not
found is reported (IMPORT-04), never filled in.
"""

from __future__ import annotations

import re
from itertools import pairwise

from .narrative import Reader, Section, read_glossary
from .narrative_jiangxi_parts import PARTS
from .narrative_jiangxi_sections import read_key_project, read_three_public

_PART = re.compile(r"^第([一二三四五六七八九十]+)部分")
_APPENDIX = re.compile(r"^附\s*[:：]\s*第([一二三四五六七八九十]+)部分")
_LEVEL2 = re.compile(r"^[一二三四五六七八九十]+、")
_NUMBERED = re.compile(r"^（([一二三四五六七八九十]+)）")
_YEAR = re.compile(r"(\d{4})\s*年")
CN = "一二三四五六七八九十"


def is_jiangxi(r: Reader) -> bool:
    """The Jiangxi 情况说明: a （一）收入预算情况 heading under a 第…部分 heading."""
    texts = [t for _, _, t in r.lines]
    return any(_PART.match(t) for t in texts) and any(re.match(r"^（一）收入预算情况$", t) for t in texts)


def _number(cn: str) -> int:
    return CN.index(cn) + 1 if len(cn) == 1 else 10 + (CN.index(cn[1]) + 1 if len(cn) > 1 else 0)


def _split(lines: list, starts: list[int]) -> list[tuple[int, int]]:
    """(start, end) index ranges of the sections that begin at `starts`."""
    bounds = [*starts, len(lines)]
    return list(pairwise(bounds))


def _section(lines: list, start: int, end: int, title_lines: int = 1) -> Section:
    page, line, _ = lines[start]
    title = "".join(t for _, _, t in lines[start : start + title_lines])
    return Section(title, (page, line), lines[start + title_lines : end])


def read_jiangxi(r: Reader) -> dict:
    lines = r.lines
    parts = [k for k, (_, _, t) in enumerate(lines) if _PART.match(t) or _APPENDIX.match(t)]
    out: dict = {"headings": []}
    narrative: dict = {}
    for start, end in _split(lines, parts):
        text = lines[start][2]
        match = _PART.match(text) or _APPENDIX.match(text)
        number = _number(match.group(1))
        year = _YEAR.search(text)
        heading = {"text": text, "part": number, "level": 1, "year": int(year.group(1)) if year else None}
        following = lines[start + 1][2] if start + 1 < end else ""
        if re.fullmatch(r"（[^）]*）", following):
            heading["note"] = following  # （见附表）
        r.trace.at(f"/headings/{len(out['headings'])}/text", lines[start][0], lines[start][1], text)
        out["headings"].append(heading)
        body = lines[start:end]
        if number == 1 and not _APPENDIX.match(text):
            out["overview"] = _overview(r, body)
        elif number == 4 and "名词解释" in text:
            out["glossary"] = _glossary(body)
        elif number == 3:
            narrative["title"] = text
            narrative["year"] = heading["year"]
            _explanation(r, body, narrative, out["headings"])
    if "glossary" not in out:
        glossary = read_glossary(r)
        if glossary:
            out["glossary"] = glossary
    if narrative:
        out["narrative"] = narrative
    return out


def _explanation(r: Reader, body: list, narrative: dict, headings: list) -> None:
    level2 = [k for k, (_, _, t) in enumerate(body) if k and _LEVEL2.match(t)]
    for start, end in _split(body, level2):
        title = body[start][2]
        if "三公" in title:
            read_three_public(r, _section(body, start, end), narrative)
            continue
        year = _YEAR.search(title)
        r.trace.at(f"/headings/{len(headings)}/text", body[start][0], body[start][1], title)
        headings.append({"text": title, "part": 3, "level": 2, "year": int(year.group(1)) if year else None})
        numbered = [k for k in range(start + 1, end) if _NUMBERED.match(body[k][2])]
        for a, b in _split(body[:end], numbered):
            heading = body[a][2]
            if "重点项目" in heading:
                # the heading wraps: it runs to the line before the first ⑴ label
                first = next((k for k in range(a + 1, b) if body[k][2].startswith("⑴")), a + 1)
                read_key_project(r, _section(body, a, b, first - a), narrative)
                continue
            for key, words, reader in PARTS:
                if words in heading:
                    reader(r, _section(body, a, b), narrative, key)
                    break


def _glossary(body: list) -> dict:
    """名词解释 by its 一、收入科目 / 二、支出科目 … sections, each term （n）term：definition."""
    sections: list[dict] = []
    for _, _, text in body[1:]:
        term = re.match(r"^(（[一二三四五六七八九十]+）)(.+?)[：:](.*)$", text)
        if _LEVEL2.match(text) and len(text) < 20:
            sections.append({"title": text, "terms": []})
        elif term:
            if not sections:
                sections.append({"terms": []})
            entry = {"number": term.group(1), "term": term.group(2), "definition": term.group(3)}
            sections[-1]["terms"].append(entry)
        elif sections and sections[-1]["terms"]:
            sections[-1]["terms"][-1]["definition"] += text  # a definition wrapped over lines
    return {"title": body[0][2], "sections": sections}


def _overview(r: Reader, body: list) -> dict:
    out: dict = {"title": body[0][2]}
    level2 = [k for k, (_, _, t) in enumerate(body) if k and _LEVEL2.match(t)]
    for start, end in _split(body, level2):
        sec = _section(body, start, end)
        if "职责" in sec.title or "职能" in sec.title:
            items: list[str] = []
            for _, _, text in sec.lines:
                if _NUMBERED.match(text) or not items:
                    items.append(text)
                else:
                    items[-1] += text
            out["duties"] = {"title": sec.title, "items": items}
        elif "机构" in sec.title:
            out["organization"] = _organization(r, sec)
    return out


def _organization(r: Reader, sec: Section) -> dict:
    text = sec.text
    out: dict = {"title": sec.title, "text": text}
    base = "/overview/organization"
    units = re.search(r"共有预算单位\s*(\d+)\s*个", text)
    if units:
        out["budget_units"] = int(units.group(1))
        r.record(f"{base}/budget_units", sec, units.start(1))
    posts = re.search(r"编制人数\s*(\d+)\s*人，其中：(\S+?)人数\s*(\d+)\s*人", text)
    if posts:
        out["posts"] = {
            "total": int(posts.group(1)),
            "items": [{"name": posts.group(2), "count": int(posts.group(3))}],
        }
        r.record(f"{base}/posts/total", sec, posts.start(1))
        r.record(f"{base}/posts/items/0/count", sec, posts.start(3))
    staff = re.search(
        r"实有人数\s*(\d+)\s*人，其中：(在职人数)\s*(\d+)\s*人，包括(\S+?)\s*(\d+)\s*人，(\S+?)\s*(\d+)\s*人",
        text,
    )
    if not staff:
        r.missing(sec, "the staffing counts (实有人数)")
        return out
    total, serving, first, other = (int(staff.group(k)) for k in (1, 3, 5, 7))
    # 在职 25，包括 A 25，B 5: B is 在职's sibling when 实有 = 在职 + B, its part when 在职 = A + B —
    # the printed counts decide; when neither holds the text says nothing certain
    if total == serving + other and serving == first:
        items = [
            {"name": staff.group(2), "count": serving, "items": [{"name": staff.group(4), "count": first}]},
            {"name": staff.group(6), "count": other},
        ]
        pointers = ["items/0/count", "items/0/items/0/count", "items/1/count"]
    elif total == serving and serving == first + other:
        items = [{"name": staff.group(2), "count": serving, "items": [
            {"name": staff.group(4), "count": first}, {"name": staff.group(6), "count": other}]}]  # fmt: skip
        pointers = ["items/0/count", "items/0/items/0/count", "items/0/items/1/count"]
    else:
        r.missing(sec, "how the staffing counts nest (their sums do not say)")
        return out
    out["staff"] = {"total": total, "items": items}
    r.record(f"{base}/staff/total", sec, staff.start(1))
    for pointer, group in zip(pointers, (3, 5, 7), strict=True):
        r.record(f"{base}/staff/{pointer}", sec, staff.start(group))
    return out
