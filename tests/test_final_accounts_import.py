"""The corpus 决算 PDF imported (budgetlint/importer/final.py) equals the hand transcription
(samples/shanghai-putuo-caizhengju-2024-juesuan.yaml) figure by figure and gives the same findings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetlint.engine import check_document
from budgetlint.loader import Document, load_path
from tests.conftest import ROOT

PDF = ROOT / "tests" / "fixtures" / "pdf" / "shanghai-putuo-caizhengju-2024-bumen-juesuan.pdf"
SAMPLE = ROOT / "samples" / "shanghai-putuo-caizhengju-2024-juesuan.yaml"

pytest.importorskip("pdfplumber")
pytestmark = pytest.mark.skipif(not PDF.exists(), reason="the corpus 决算 PDF is not at hand")


@pytest.fixture(scope="module")
def imported():
    from budgetlint.importer.document import import_layout
    from budgetlint.importer.layout import read_layout

    return import_layout(read_layout(PDF), PDF.name)


def _leaves(node, pointer=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _leaves(value, f"{pointer}/{i}")
    else:
        yield pointer, node


def test_every_table_figure_is_placed_with_no_import_finding(imported):
    assert imported.findings == []
    assert imported.figures_printed == imported.figures_placed == 195
    assert sorted(imported.tables_found) == sorted(imported.tables_expected)
    assert imported.document["kind"] == "部门决算" and imported.document["fiscal_year"] == 2024


def test_the_import_equals_the_transcription_figure_by_figure(imported):
    hand = dict(_leaves(load_path(SAMPLE).data))
    got = dict(_leaves(imported.document))
    figures = [
        p for p, v in hand.items() if isinstance(v, Decimal) and p.startswith(("/tables/", "/narrative/"))
    ]
    assert len(figures) > 300
    differ = [(p, hand[p], got.get(p, "absent")) for p in figures if got.get(p, "absent") != hand[p]]
    assert differ == []
    # the tables whole: labels, names, codes, columns and empty cells too
    tables = [p for p in hand if p.startswith("/tables/")]
    assert [(p, hand[p], got.get(p, "absent")) for p in tables if got.get(p, "absent") != hand[p]] == []
    assert [p for p in got if p.startswith("/tables/") and p not in hand] == []


def test_every_imported_figure_has_its_page_and_line(imported):
    locations = imported.document["source"]["locations"]
    figures = [
        p for p, v in _leaves(imported.document) if isinstance(v, Decimal) and p.startswith("/tables/")
    ]
    assert figures and all(p in locations for p in figures)
    assert locations["/tables/final_summary/expenditure/7/amount"]["page"] == 6
    assert locations["/narrative/fiscal_total/total"]["page"] == 21


def test_the_import_gives_the_transcriptions_findings(imported, rulebook):
    hand = check_document(load_path(SAMPLE), rulebook)
    got = check_document(Document.in_memory(PDF.name, imported.document), rulebook)
    assert sorted((f.rule, f.pointer, f.severity) for f in got) == sorted(
        (f.rule, f.pointer, f.severity) for f in hand
    )


def test_a_classified_table_without_an_item_name_column_is_reported_not_a_crash():
    """The blank 决算 template prints two fund tables whose header has no 科目名称 column: that
    table is an import finding (IMPORT-03) and the rest is imported, not an internal error."""
    import copy

    from budgetlint.importer.document import import_layout
    from budgetlint.importer.layout import read_layout

    layout = copy.deepcopy(read_layout(PDF))
    changed = []
    for table in layout.tables:
        named = any(path and path[-1] == "科目名称" for path in table.columns)
        if named and table.title and "支出决算表" in table.title and not changed:
            table.columns = [[*p[:-1], "名称"] if p and p[-1] == "科目名称" else p for p in table.columns]
            changed.append(table.title)
    assert changed, "the fixture has a classified table to change"
    imported = import_layout(layout, PDF.name)
    reported = [f for f in imported.findings if f.rule == "IMPORT-03" and "科目名称" in f.message]
    assert len(reported) == 1 and changed[0] in reported[0].text


def _perturbed(change):
    """The corpus 决算's layout, deep-copied, with change(layout) applied (it returns what it changed)."""
    import copy

    layout = copy.deepcopy(_layout())
    changed = change(layout)
    assert changed, "the fixture has what the perturbation changes"
    return layout, changed


_LAYOUT = []


def _layout():
    from budgetlint.importer.layout import read_layout

    if not _LAYOUT:
        _LAYOUT.append(read_layout(PDF))
    return _LAYOUT[0]


def test_a_column_printed_without_a_header_is_reported_not_a_crash():
    """A column whose header prints nothing (its path empty) raised IndexError at path[-1]: in a
    classified table its figures are IMPORT-01 (never placed under a guessed column), and the 单位构成
    table (序号, 单位名称, 备注) is simply not recognised."""
    from budgetlint.importer.document import import_layout

    def change(layout):
        changed = []
        for table in layout.tables:
            if table.title == "支出决算表":  # 基本支出: a column with figures
                table.columns[table.columns.index(["基本支出"])] = []
                changed.append(table.title)
            elif [p[-1] for p in table.columns if p] == ["序号", "单位名称", "备注"]:
                table.columns[1] = []
                changed.append("单位构成")
        return len(changed) == 2 and changed

    layout, _ = _perturbed(change)
    imported = import_layout(layout, PDF.name)
    reported = [
        f for f in imported.findings if f.rule == "IMPORT-01" and "a column without a header" in f.message
    ]
    assert reported and all(f.message.startswith("支出决算表:") for f in reported)
    rows = imported.document["tables"]["final_expenditure"]["rows"]
    assert rows and all(None not in row and "basic" not in row for row in rows)
    assert "units" not in imported.document["overview"]["organization"]


def test_a_row_with_fewer_cells_than_the_header_is_reported_not_a_crash():
    """A row that lost a cell (another region's PDF merging or dropping one) raised IndexError in a
    classified table and in the 单位构成 table: it is IMPORT-05, not read (which cell is missing
    cannot be told, so no figure of it is placed by position), and the other rows are imported."""
    import copy

    from budgetlint.importer.document import import_layout

    def change(layout):
        changed = []
        for table in layout.tables:
            if table.title == "支出决算表" or [p[-1] for p in table.columns if p] == [
                "序号",
                "单位名称",
                "备注",
            ]:
                table.rows[1].cells.pop()
                changed.append(table.rows[1].text)
        return len(changed) == 2 and changed

    layout, changed = _perturbed(change)
    imported = import_layout(layout, PDF.name)
    reported = [
        f for f in imported.findings if f.rule == "IMPORT-05" and "cells under a header of" in f.message
    ]
    assert sorted(f.text for f in reported) == sorted(changed)
    whole = import_layout(copy.deepcopy(_layout()), PDF.name).document
    rows = imported.document["tables"]["final_expenditure"]["rows"]
    assert len(rows) == len(whole["tables"]["final_expenditure"]["rows"]) - 1
    units = imported.document["overview"]["organization"]["units"]
    assert len(units) == len(whole["overview"]["organization"]["units"]) - 1


def test_a_fiscal_summary_with_fewer_columns_than_the_template_is_reported_not_a_crash():
    """A 财政拨款收入支出决算总表 printing fewer than its 7 columns (a region without the 国有资本经营
    预算 column) raised ValueError (zip strict): its cells are read by position, so it is IMPORT-03,
    not imported, and the other tables are."""
    from budgetlint.importer.document import import_layout

    def change(layout):
        for table in layout.tables:
            if table.title == "财政拨款收入支出决算总表" and len(table.columns) == 7:
                table.columns.pop()
                for header in table.header:
                    header[6:] = []
                for row in table.rows:
                    row.cells[6:] = []
                return [table.title]
        return []

    layout, changed = _perturbed(change)
    imported = import_layout(layout, PDF.name)
    reported = [f for f in imported.findings if f.rule == "IMPORT-03" and "not the template's 7" in f.message]
    assert [f.text for f in reported] == changed
    assert "final_fiscal_summary" not in imported.document["tables"]
    assert "final_summary" in imported.document["tables"]
