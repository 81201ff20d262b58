"""A layout → an @2 document: the template recognised, the tables and narrative claims placed,
every figure's place recorded under source.locations, what could not be placed reported.

`import_layout(layout)` returns an `Imported`: the document (plain data, Decimal numbers), the
import findings, and the counts the report gives (tables found against the expected set, figures
placed against figures printed in the tables).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import build
from . import tables as T
from .model import Layout
from .patterns import numbers_in
from .source import ImportFinding, Trace

FORMAT = "budgetlint/department-budget@2"
_TITLE = re.compile(r"(\d{4})\s*年.*(?:部门|单位)预算")
_ENTITY = re.compile(r"^(?:预算单位|单位名称|部门名称)\s*[:：]\s*(\S.*)$")


class NotADisclosure(ValueError):
    """The file has text but no budget table the importer recognises."""


@dataclass
class Imported:
    document: dict
    findings: list[ImportFinding]
    profile: str | None
    tables_found: dict[str, list[int]] = field(default_factory=dict)  # kind → its pages
    tables_expected: tuple[str, ...] = ()
    figures_printed: int = 0  # number tokens printed in the imported tables' body rows
    figures_placed: int = 0
    narrative_figures: int = 0  # narrative figures placed
    rows_printed: int = 0
    rows_placed: int = 0

    @property
    def coverage(self) -> float:
        return 100.0 if not self.figures_printed else 100.0 * self.figures_placed / self.figures_printed


def _title(layout: Layout) -> tuple[str | None, int | None, int | None, int | None]:
    """(text, year, page, line) of the document title: the first line naming a 部门/单位预算 with a year."""
    for page in layout.pages[:2]:
        lines = page.lines[:6]
        for i, line in enumerate(lines):
            match = _TITLE.search(line.text)
            if match:
                return line.text.strip(), int(match.group(1)), page.number, i + 1
            # the seed prints the name and the year on two lines: 寻乌县社会保险服务中心 / 2023 年部门预算
            if i + 1 < len(lines) and re.match(r"^\d{4}\s*年\s*(?:部门|单位)预算", lines[i + 1].text.strip()):
                text = line.text.strip() + re.sub(r"\s+", "", lines[i + 1].text)
                return text, int(lines[i + 1].text.strip()[:4]), page.number, i + 1
    return None, None, None, None


def _entity(layout: Layout, tables) -> tuple[str | None, int | None, int | None]:
    for page in layout.pages[:2]:
        for i, line in enumerate(page.lines[:8], 1):
            match = _ENTITY.match(line.text.strip())
            if match:
                return match.group(1).strip(), page.number, i
    names = Counter(t["issuer"]["name"] for t in tables if t.get("issuer") and t["issuer"].get("name"))
    if names:
        return names.most_common(1)[0][0], None, None
    return None, None, None


def _year_of_tables(layout: Layout) -> int | None:
    years = Counter(
        int(m.group(1)) for t in layout.tables for m in [re.search(r"(\d{4})年", t.title or "")] if m
    )
    return years.most_common(1)[0][0] if years else None


def import_layout(layout: Layout, name: str | None = None) -> Imported:
    from .final import import_final, is_final

    if is_final(layout):  # a 决算: its nine tables and its 情况说明 (budgetlint/importer/final.py)
        return import_final(layout, name)
    trace = Trace()
    kinds: dict[str, object] = {}
    performance = 0
    forms: list[dict] = []
    others: list[dict] = []
    other_tables: dict[str, object] = {}  # their layout tables, for the count of printed figures
    pending: list = []  # text rows printing fewer figures than columns: placed once all is read
    for table in layout.tables:
        kind = T.kind_of(table)
        if kind == T.PERFORMANCE and table.method == "text":
            from .text_forms import form_lines, read_form

            form = read_form(form_lines(layout, table), trace, len(forms))
            forms.extend([form] if form else [])
            continue
        if kind == T.PERFORMANCE:
            performance += 1
            continue
        if kind is None and table.method == "text":
            from .text_other import other_table

            other = other_table(table, len(others), trace, pending)
            if other is not None:  # a table outside the template, its columns known by caption
                others.append(other)
                other_tables[f"other/{len(others) - 1}"] = table
                continue
        if kind is None or kind in kinds:
            why = "a second table of the same kind" if kind else "a table of no known kind"
            trace.report(
                "IMPORT-03", table.pages[0], table.title_line, table.title or "", f"{why}: not imported"
            )
            continue
        kinds[kind] = table
    if not kinds:
        raise NotADisclosure(
            f"{name or layout.source}: no budget table found (收支预算总表, 收入总表, 支出总表 …): "
            "not a budget disclosure, or a scanned document without a text layer"
        )
    title, year, title_page, title_line = _title(layout)
    year = year or _year_of_tables(layout)
    profile = T.detect_profile(layout.tables, year)

    built: dict[str, dict] = {}
    for kind in T.KINDS:
        table = kinds.get(kind)
        if table is None:
            continue
        if table.method == "text":
            from .textrows import build_text_table

            built[kind] = build_text_table(table, kind, trace, layout, pending)
        elif kind in ("budget_summary", "fiscal_summary"):
            built[kind] = build.summary(table, kind, trace, layout)
        elif kind == "three_public":
            built[kind] = build.three_public(table, trace, layout)
        else:
            built[kind] = build.classified(table, kind, trace, layout)

    entity_name, entity_page, entity_line = _entity(layout, built.values())
    doc: dict = {"format": FORMAT}
    if profile:
        doc["profile"] = profile
    doc["kind"] = "单位预算" if title and "单位预算" in title else "部门预算"
    doc["fiscal_year"] = year
    doc["amount_unit"] = "万元"
    doc["source"] = {
        "file": Path(layout.source).name,
        "note": "Imported by budgetlint import; not checked by hand.",
    }
    doc["entity"] = {"name": entity_name or ""}
    issuers = [t.get("issuer") or {} for t in built.values()]
    codes = {i.get("code") for i in issuers if i.get("name") == entity_name} - {None}
    if len(codes) == 1 and entity_name:  # the code every table prints before the entity's name
        doc["entity"]["code"] = codes.pop()
    if entity_page:
        trace.at("/entity/name", entity_page, entity_line, entity_name)
    doc["title"] = {"text": title or "", "year": year if title else None}
    if title_page:
        trace.at("/title", title_page, title_line, title)

    from .narrative import read_narrative

    doc.update(read_narrative(layout, trace, year))  # overview, glossary, narrative: those found
    doc["tables"] = built | ({"other": others} if others else {})
    if forms:
        doc["performance_goals"] = forms
        _parent_from_forms(doc, forms, trace)
    if pending:
        from .text_place import place_pending

        place_pending(doc, pending, trace)  # by the identities of the tables and the text
    if performance:
        trace.report(
            "IMPORT-04",
            None,
            None,
            "项目支出绩效目标表",
            f"{performance} 项目支出绩效目标表 not imported (performance forms are not read yet)",
        )
    expected = T.EXPECTED.get(profile or "", ())
    for kind in expected:
        if kind not in built:
            trace.report("IMPORT-02", None, None, kind, f"the template's {kind} table was not found")
    doc = _decimals(doc)  # numbers as the loader reads them: Decimal, never int
    doc["source"]["locations"] = dict(sorted(trace.locations.items(), key=lambda kv: _order(kv[0])))
    printed, rows_printed = _printed(kinds | other_tables)
    table_figures = sum(
        1 for p in trace.locations if p.startswith("/tables/") and "/columns/" not in p and _is_figure(doc, p)
    )
    return Imported(
        document=doc,
        findings=trace.findings,
        profile=profile,
        tables_found={kind: kinds[kind].pages for kind in built},
        tables_expected=expected,
        figures_printed=printed,
        figures_placed=table_figures,
        narrative_figures=sum(
            1 for p in trace.locations if p.startswith("/narrative/") and _is_figure(doc, p)
        ),
        rows_printed=rows_printed,
        rows_placed=rows_printed - sum(1 for f in trace.findings if f.rule == "IMPORT-05"),
    )


def _parent_from_forms(doc: dict, forms: list[dict], trace: Trace) -> None:
    """entity.parent: the 主管部门 every 项目支出绩效目标表 prints, when its code is the head of the
    entity's code (202 over 202002) — a unit's forms name the department above it."""
    departments = {(f["department"].get("code"), f["department"].get("name")) for f in forms}
    code = doc["entity"].get("code")
    if len(departments) != 1 or not code:
        return
    parent_code, parent_name = departments.pop()
    if parent_code and parent_name and parent_code != code and code.startswith(parent_code):
        doc["entity"]["parent"] = {"code": parent_code, "name": parent_name}
        where = trace.locations.get("/performance_goals/0/department/text")
        if where:
            trace.at("/entity/parent", where["page"], where["line"], forms[0]["department"]["text"])


def _decimals(value):
    from decimal import Decimal

    if isinstance(value, dict):
        return {k: _decimals(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decimals(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _order(p: str) -> list:
    return [(0, int(t), "") if t.isdigit() else (1, 0, t) for t in p.split("/")]


def _is_figure(doc: dict, p: str) -> bool:
    from decimal import Decimal

    node = doc
    for token in p.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return False
    return isinstance(node, Decimal)


def _printed(kinds: dict) -> tuple[int, int]:
    """Figures (amount tokens) printed in the body rows of the recognised tables, and their rows."""
    from .patterns import AMOUNT

    figures = rows = 0
    for table in kinds.values():
        for row in table.rows:
            rows += 1
            if table.method == "text":
                from .textrows import tokens_of

                figures += sum(1 for t in tokens_of(row.cells) if AMOUNT.match(t))
            else:
                figures += sum(1 for c in row.cells for t in numbers_in(c) if AMOUNT.match(t))
    return figures, rows
