"""What the HTML report shows of one document: its values as printed, where each finding is, and the
sentence a narrative finding quotes (its tables as grids of cells: budgetlint/report/html_tables.py).

Every value comes from the loaded document as it was printed (amounts in the table's own unit, not
converted); the document is untrusted and may break the schema, so every access here is defensive.
"""

from __future__ import annotations

import re
from decimal import Decimal

from budgetlint.findings import escape_pointer_token, unescape_pointer_token
from budgetlint.report.printable import printable

MAX_TEXT = 400  # characters of a document string shown in a cell or a quotation
_SENTENCE = re.compile(r"[^。；！？!?;]*[。；！？!?;]?")


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def show(value) -> str:
    """A value as printed: a Decimal as written (2457.00), text with control characters visible."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, (int, float, str)):
        text = printable(str(value))
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    return "…"  # a list or an object where a value belongs (a document breaking the schema)


def child(pointer: str, *tokens) -> str:
    return pointer + "".join("/" + escape_pointer_token(str(t)) for t in tokens)


def resolve(data, pointer: str):
    """The value at a JSON Pointer, or None."""
    if not pointer:
        return data
    for token in pointer[1:].split("/"):
        token = unescape_pointer_token(token)
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def cell(value, pointer: str | None, kind: str = "num", **extra) -> dict:
    return {"text": show(value), "pointer": pointer, "kind": kind, **extra}


# --- where a finding is, and what it quotes -------------------------------------------------------


def place(data: dict, pointer: str) -> tuple[str, str]:
    """(key, label) of the part of the document a pointer is in: a table, a narrative part, a
    performance form, the overview, the glossary; ("", "") for the document as a whole."""
    parts = [unescape_pointer_token(t) for t in pointer[1:].split("/")] if pointer else []
    top = parts[0] if parts else ""
    if top == "tables" and len(parts) > 1:
        if parts[1] == "other" and len(parts) > 2:
            at = f"/tables/other/{parts[2]}"
        else:
            at = child("/tables", parts[1])
        title = _dict(resolve(data, at)).get("title")
        return at, show(title) or parts[1]
    if top == "narrative" and len(parts) > 1:
        at = child("/narrative", parts[1])
        return at, show(_dict(resolve(data, at)).get("title")) or parts[1]
    if top == "performance_goals" and len(parts) > 1:
        at = child("/performance_goals", parts[1])
        goal = _dict(resolve(data, at))
        return at, f"{show(goal.get('title')) or '绩效目标表'}「{show(goal.get('project'))}」"
    if top in ("overview", "glossary", "department_goal", "contents"):
        names = {"overview": "概况", "glossary": "名词解释", "department_goal": "部门整体支出绩效目标表",
                 "contents": "目录"}  # fmt: skip
        return "/" + top, show(_dict(data.get(top)).get("title")) or names[top]
    return "", ""


def _text_near(data, pointer: str) -> tuple[str | None, str]:
    """The nearest printed wording at or above the pointer (a string value, or an object's `text`)."""
    while pointer:
        value = resolve(data, pointer)
        if isinstance(value, str) and not pointer.endswith(("/direction", "/code", "/key")):
            return value, pointer
        if isinstance(value, dict) and isinstance(value.get("text"), str) and value["text"]:
            return value["text"], child(pointer, "text")
        pointer = pointer.rsplit("/", 1)[0]
    return None, ""


def quote(data, pointer: str) -> dict | None:
    """The sentence a finding in the narrative (or any printed wording) is about, with the value it
    points at marked when the sentence prints it: {before, mark, after, pointer}."""
    if not pointer or pointer.startswith("/tables/"):
        return None
    text, at = _text_near(data, pointer)
    if not text:
        return None
    value = resolve(data, pointer)
    needle = show(value) if isinstance(value, (Decimal, int, str)) and not isinstance(value, bool) else ""
    found = None
    if needle and at != pointer and at != child(pointer, "text"):
        pattern = re.escape(needle)
        if isinstance(value, (Decimal, int)):
            pattern = rf"(?<![\d.]){pattern}(?![\d])"
        found = re.search(pattern, text)
    if found is None:
        sentence = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
        return {"before": printable(sentence), "mark": "", "after": "", "pointer": at}
    start = end = 0
    for match in _SENTENCE.finditer(text):
        if match.start() <= found.start() < match.end():
            start, end = match.start(), match.end()
            break
    head, tail = text[start : found.start()], text[found.end() : end]
    return {"before": printable(head.lstrip()), "mark": printable(found.group()), "after": printable(tail),
            "pointer": at}  # fmt: skip


def page_of(locations: dict, pointer: str) -> dict | None:
    """{page, text} where an imported document printed the value at pointer (or its nearest parent)."""
    while True:
        where = locations.get(pointer)
        if isinstance(where, dict) and where.get("page") is not None:
            return {"page": show(where.get("page")), "text": show(where.get("text"))}
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]
