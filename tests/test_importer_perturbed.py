"""Layouts of the real 单位预算 PDFs perturbed as another region's disclosure could print them
(bench/importer_fuzz.py finds such cases): each is an import finding or a cleanly read table, never
an exception other than NotADisclosure, and never a figure that is not printed."""

from __future__ import annotations

import copy

import pytest

from budgetlint.importer.document import import_layout
from tests.conftest import ROOT

pytest.importorskip("pdfplumber")

PDF = ROOT / "tests" / "fixtures" / "pdf" / "shanghai-putuo-shangwuwei-2025-danwei-yusuan.pdf"


@pytest.fixture(scope="module")
def layout():
    from budgetlint.importer.layout import read_layout

    return read_layout(PDF)


def test_a_summary_whose_label_column_prints_no_header_is_read_not_a_crash(layout):
    """The 财政拨款收支预算总表's 项目 column printed without a header (its header rows not read)
    raised IndexError in build._side_caption: the side's caption is "" (as printed: nothing) and
    every figure is placed as before."""
    whole = import_layout(copy.deepcopy(layout), PDF.name).document["tables"]["fiscal_summary"]
    changed = copy.deepcopy(layout)
    tables = [t for t in changed.tables if t.title and "财政拨款收支预算总表" in t.title]
    assert tables and tables[0].columns[0], "the fixture has the table, its first column a header"
    tables[0].columns[0] = []
    imported = import_layout(changed, PDF.name)
    table = imported.document["tables"]["fiscal_summary"]
    assert table["sides"]["income"]["label"] == "" and table["sides"]["income"]["item_label"] == ""
    assert table["income"] == whole["income"] and table["expenditure"] == whole["expenditure"]
