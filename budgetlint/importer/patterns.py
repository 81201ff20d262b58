"""What a table's title, unit line, header and body rows look like as printed text."""

from __future__ import annotations

import re

# A printed amount: 1,234.56  705,443.00  1.00  -3.2  12,000 (grouped)  — not a bare 1 or 2025.
AMOUNT = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)%?$")
# Any token made of digits only, with grouping commas or a decimal point: what coverage counts.
NUMBER_TOKEN = re.compile(r"^[-−]?\d[\d,]*(?:\.\d+)?%?$")
# A classification code cell: 201, 13, 01, 2010301, 30101.
CODE = re.compile(r"^\d{2,9}$")
# Table names end in 表 (预算总表, 预算表, 决算表, 目标表, 收支总表, 情况表 …), maybe with a note in
# brackets: 收支预算总表（续）.
_TITLE_WORDS = re.compile(r"表\s*(?:[（(][^）)]{0,10}[）)])?\s*$")
_FORM_CODE = re.compile(r"^(?:公开)?\s*(?:部门|单位)?\s*\d{1,2}\s*表$|^表\s*\d")
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(亿元|千元|万元|元)")
_ISSUER = re.compile(r"(?:编制|填报|预算)单位\s*[:：]\s*(.*?)\s*(?:(?:金额)?单位\s*[:：].*)?$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.．]|（[一二三四五六七八九十]+）)")
_TOTAL = re.compile(r"^(?:合\s*计|总\s*计|收入总计|支出总计|小\s*计)")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def is_title(text: str) -> bool:
    """A line that names a table: ends in 表 (预算总表, 预算表, 目标表 …), short, not a unit line."""
    text = text.strip()
    if not text or len(text) > 60 or _FORM_CODE.match(text) or "单位：" in text or "单位:" in text:
        return False
    if text.startswith(("注", "说明")) or (_ORDINAL.match(text) and "年" not in text):
        return False
    return bool(_TITLE_WORDS.search(text)) and bool(_CJK.search(text))


def unit_of(text: str) -> str | None:
    match = _UNIT.search(text)
    return match.group(1) if match else None


def issuer_of(text: str) -> str | None:
    match = _ISSUER.search(text)
    if not match or ("编制单位" not in text and "填报单位" not in text and "预算单位" not in text):
        return None
    return match.group(1).strip() or None


def is_unit_line(text: str) -> bool:
    return unit_of(text) is not None or issuer_of(text) is not None


def join_cell(text: str | None) -> str:
    """A cell's text with its wrapped lines joined: no space between CJK, one between Latin words."""
    if not text:
        return ""
    parts = [part.strip() for part in text.split("\n") if part.strip()]
    out = parts[0] if parts else ""
    for part in parts[1:]:
        latin = out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum()
        glue = " " if latin else ""
        out += glue + part
    return out


def is_body_row(cells: list[str]) -> bool:
    """A row that carries figures, a classification code, an ordinal label or a total."""
    texts = [c for c in cells if c]
    if not texts:
        return False
    if any(AMOUNT.match(c) for c in texts):
        return True
    if _TOTAL.match(texts[0]):  # a total row; 合计 among header labels (合计 因公出国(境)费 …) is not
        return len(texts) == 1
    return bool(CODE.match(texts[0]) or _ORDINAL.match(texts[0]))


def numbers_in(text: str) -> list[str]:
    """The whitespace-separated tokens of `text` that are numbers (amounts, codes, counts)."""
    return [token for token in text.split() if NUMBER_TOKEN.match(token)]
