"""The importer's layout layer on the two Shanghai 2025 单位预算 PDFs (tests/fixtures/pdf/).

Each PDF is read once per module (about a second each); every other test only looks at the result.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from budgetlint.importer.layout import LayoutError, main, read_pdf
from budgetlint.importer.patterns import numbers_in
from budgetlint.importer.text import read_text
from tests.conftest import ROOT

pdfplumber = pytest.importorskip("pdfplumber")

PDF = ROOT / "tests" / "fixtures" / "pdf"
SHANGWUWEI = PDF / "shanghai-putuo-shangwuwei-2025-danwei-yusuan.pdf"
ZHENGFUBAN = PDF / "shanghai-putuo-zhengfuban-2025-danwei-yusuan.pdf"
SEED_TEXT = ROOT / "samples" / "xunwu-2023-social-insurance.txt"


@pytest.fixture(scope="module")
def shangwuwei():
    return read_pdf(SHANGWUWEI)


@pytest.fixture(scope="module")
def zhengfuban():
    return read_pdf(ZHENGFUBAN)


def table(layout, words: str):
    matches = [t for t in layout.tables if t.title and words in t.title]
    assert len(matches) == 1, [t.title for t in layout.tables]
    return matches[0]


def test_tables_found_in_order_with_unit_and_issuer(shangwuwei):
    titles = [t.title for t in shangwuwei.tables]
    assert titles == [
        "2025年预算单位财务收支预算总表",
        "2025年预算单位收入预算总表",
        "2025年预算单位支出预算总表",
        "2025年预算单位财政拨款收支预算总表",
        "2025年预算单位一般公共预算支出功能分类预算表",
        "2025年预算单位政府性基金预算支出功能分类预算表",
        "2025年预算单位国有资本经营预算支出功能分类预算表",
        "2025年预算单位一般公共预算基本支出部门预算经济分类预算表",
        "2025年单位“三公”经费和机关运行经费预算表",
    ]
    pages = [[9], [10, 11], [12, 13], [14], [15, 16], [17], [18], [19, 20], [21]]
    assert [t.pages for t in shangwuwei.tables] == pages
    assert {t.method for t in shangwuwei.tables} == {"ruled"}
    assert [t.unit for t in shangwuwei.tables] == ["元"] * 8 + ["万元"]
    assert {t.issuer for t in shangwuwei.tables} == {"上海市普陀区商务委员会"}
    assert shangwuwei.tables[0].header_line == "编制单位：上海市普陀区商务委员会 单位：元"


def test_title_and_unit_line_drawn_inside_the_frame_are_lifted_out(shangwuwei):
    # page 14 draws its title and unit line inside the table's rules
    t = table(shangwuwei, "财政拨款收支预算总表")
    assert (t.unit, t.issuer, t.title_line) == ("元", "上海市普陀区商务委员会", 1)
    assert t.header[0] == ["财政拨款收入", None, "财政拨款支出", None, None, None, None]
    income = ["一、一般公共预算资金", "371,514,655.00"]
    spending = ["一、一般公共服务支出", "21,601,733.00", "21,601,733.00", "", ""]
    assert t.rows[0].cells == [*income, *spending]


def test_table_continued_on_next_page_is_one_table(shangwuwei):
    t = table(shangwuwei, "收入预算总表")
    assert t.pages == [10, 11]
    assert [r.page for r in t.rows].count(10) == 14 and [r.page for r in t.rows].count(11) == 17
    row = next(r for r in t.rows if r.cells[:3] == ["208", "05", "06"])
    # codes stay in their 类/款/项 cells; the empty columns stay empty
    printed = ["208", "05", "06", "机关事业单位职业年金缴费支出", "705,443.00", "705,443.00"]
    assert row.cells == [*printed, "", "", ""]
    assert row.page == 11
    assert row.text == "208 05 06 机关事业单位职业年金缴费支出 705,443.00 705,443.00"
    assert shangwuwei.page(11).lines[row.line - 1].text == row.text
    assert t.rows[-1].cells[0] == "合计" and t.rows[-1].cells[4:6] == ["371,514,655.00"] * 2


def test_repeated_header_is_dropped_when_joining(shangwuwei):
    t = table(shangwuwei, "一般公共预算支出功能分类预算表")
    assert t.pages == [15, 16]
    assert t.notes == ["page 16: header repeated, dropped"]
    assert len(t.header) == 3 and not any(r.cells[0] in ("项目", "类") for r in t.rows)
    first_on_16 = next(r for r in t.rows if r.page == 16)
    assert first_on_16.cells == ["208", "05", "99", "其他行政事业单位养老支出", "13,260.00", "13,260.00", ""]


def test_merged_header_cells_and_column_paths(shangwuwei):
    t = table(shangwuwei, "财务收支预算总表")
    assert t.header[2] == [None, None, None, "合计", "基本支出", None, "项目支出"]
    assert t.columns == [
        ["本年收入", "项目"],
        ["本年收入", "预算数"],
        ["本年支出", "项目"],
        ["本年支出", "预算数", "合计"],
        ["本年支出", "预算数", "基本支出", "人员经费"],
        ["本年支出", "预算数", "基本支出", "公用经费"],
        ["本年支出", "预算数", "项目支出"],
    ]
    total = t.rows[-1]
    assert total.cells == [
        "收入总计",
        "371,514,655.00",
        "支出总计",
        "371,514,655.00",
        "18,120,593.00",
        "1,710,062.00",
        "351,684,000.00",
    ]
    assert total.page == 9 and shangwuwei.page(9).lines[total.line - 1].text == total.text
    # label-only rows are kept, their empty cells empty; the drawn padding rows are not rows
    label_only = ["四、其他收入", "", "七、住房保障支出", "2,849,034.00", "2,849,034.00", "", ""]
    assert label_only in [r.cells for r in t.rows]
    assert len(t.rows) == 8


def test_name_broken_over_two_lines_in_a_cell_is_joined(zhengfuban):
    t = table(zhengfuban, "收入预算总表")
    names = [r.cells[3] for r in t.rows]
    assert "其他政府办公厅（室）及相关机构事务支出" in names
    assert t.columns[7] == ["收入预算", "事业单位经营收入"]  # header cell wrapped: 事业单位 / 经营收入


def test_three_public_table_with_no_unit_rows(shangwuwei, zhengfuban):
    for layout, cells in (
        (shangwuwei, ["1.00", "", "1.00", "", "", "", "171.01"]),
        (zhengfuban, ["867.50", "839.00", "28.50", "", "", "", "213.28"]),
    ):
        t = table(layout, "“三公”经费")
        assert [r.cells for r in t.rows] == [cells]
        assert t.columns[3] == ["“三公”经费预算数", "公务用车购置及运行费", "小计"]
        assert t.columns[6] == ["机关运行经费预算数"]


def test_empty_table_keeps_its_total_row(shangwuwei):
    t = table(shangwuwei, "政府性基金预算支出功能分类预算表")
    assert [r.cells for r in t.rows] == [["合计", "", "", "", "", "", ""]]


@pytest.mark.parametrize("name", ["shangwuwei", "zhengfuban"])
def test_numbers_neither_dropped_nor_invented(name, request):
    """Every number token printed on a table page is in exactly one cell, and no cell holds a
    number that is not printed there (counted per page, as multisets)."""
    layout = request.getfixturevalue(name)
    path = SHANGWUWEI if name == "shangwuwei" else ZHENGFUBAN
    in_cells: Counter = Counter()
    for t in layout.tables:
        for row in t.rows:
            in_cells.update((row.page, n) for c in row.cells for n in numbers_in(c))
        in_cells.update((t.pages[0], n) for row in t.header for c in row if c for n in numbers_in(c))
    table_pages = {p for t in layout.tables for p in t.pages}
    printed: Counter = Counter()
    with pdfplumber.open(path) as pdf:
        for number in sorted(table_pages):
            text = pdf.pages[number - 1].extract_text(y_tolerance=3)
            printed.update((number, n) for n in numbers_in(text))
    assert sum(printed.values()) > 300
    assert printed - in_cells == Counter(), "printed but in no cell"
    assert in_cells - printed == Counter(), "in a cell but not printed"


def test_pages_lines_and_json(shangwuwei):
    assert len(shangwuwei.pages) == 22
    page = shangwuwei.page(9)
    assert page.orientation == "landscape" and page.rotation == 0
    assert page.lines[0].text == "2025年预算单位财务收支预算总表"
    data = json.loads(json.dumps(shangwuwei.to_dict(), ensure_ascii=False))
    assert data["kind"] == "pdf" and len(data["tables"]) == 9
    assert data["tables"][1]["rows"][14]["page"] == 11


def test_word_position_reader_agrees_with_the_ruled_reader(shangwuwei):
    """Page 10 read by word positions alone (as if no rules were drawn) gives the same rows."""
    from budgetlint.importer.lines import page_words
    from budgetlint.importer.words import read_region

    with pdfplumber.open(SHANGWUWEI) as pdf:
        words = page_words(pdf.pages[9])
    page = shangwuwei.page(10)
    found = read_region(page, words, page.lines[0].top, page.height)
    assert found is not None
    by_words = found.table
    assert by_words.title == "2025年预算单位收入预算总表" and by_words.unit == "元"
    ruled = [[c for c in r.cells if c] for r in table(shangwuwei, "收入预算总表").rows if r.page == 10]
    assert [[c for c in r.cells if c] for r in by_words.rows] == ruled


def test_figures_on_an_offset_baseline_join_their_label():
    from budgetlint.importer.lines import group_words

    def word(text, x0, top, height=11.0):
        return {"text": text, "x0": x0, "x1": x0 + 20, "top": top, "bottom": top + height}

    # measured on the 财政局 决算: figures 4.5–5.9 pt below the label, lines ≥ 9 pt apart
    words = [word("合计", 256, 218.5), word("2,946.25", 372, 223.4), word("一般公共服务支出", 195, 243.1)]
    words += [word("201", 72, 247.9), word("2,112.86", 368, 247.9)]
    lines = [" ".join(w["text"] for w in g) for g in group_words(words)]
    assert lines == ["合计 2,946.25", "201 一般公共服务支出 2,112.86"]


def test_text_input_best_effort(tmp_path):
    source = tmp_path / "d.txt"
    source.write_text(
        "=== page 1 ===\n2025年预算单位收入预算总表\n编制单位：某某局 单位：元\n项目 收入预算\n类 款 项\n"
        "201 一般公共服务支出 1,000.00 1,000.00\n\n=== page 2 ===\n项目 收入预算\n"
        "其他政府办公厅（室）及相关机构事\n201 03 99 20.00 20.00\n务支出\n合计 1,020.00 1,020.00\n"
        "注:本表为示例。\n",
        encoding="utf-8",
    )
    layout = read_text(source)
    assert [p.number for p in layout.pages] == [1, 2]
    (t,) = layout.tables
    assert (t.title, t.unit, t.issuer, t.pages) == ("2025年预算单位收入预算总表", "元", "某某局", [1, 2])
    assert t.notes == ["page 2: header repeated, dropped"]
    assert [r.cells for r in t.rows] == [
        ["201", "一般公共服务支出", "1,000.00", "1,000.00"],
        ["201", "03", "99", "其他政府办公厅（室）及相关机构事务支出", "20.00", "20.00"],
        ["合计", "1,020.00", "1,020.00"],
    ]
    assert [(r.page, r.line) for r in t.rows] == [(1, 5), (2, 3), (2, 5)]


def test_seed_text_tables_by_title():
    layout = read_text(SEED_TEXT)
    titles = [t.title for t in layout.tables]
    assert titles[:9] == [
        "收支预算总表",
        "部门收入总表",
        "部门支出总表",
        "财政拨款收支总表",
        "一般公共预算支出表",
        "一般公共预算基本支出表",
        "财政拨款“三公”经费支出表",
        "政府性基金预算支出表",
        "国有资本经营预算支出表",
    ]
    assert titles.count("项目支出绩效目标表") == 7
    first = layout.tables[0]
    assert first.unit == "万元" and first.issuer == "[202002]寻乌县社会保险服务中心"
    assert first.rows[-1].cells == ["收入总计", "2,495.56", "支出总计", "2,495.56"]


def test_unreadable_pdf_is_one_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    with pytest.raises(LayoutError, match="not a readable PDF"):
        read_pdf(bad)
    assert main([str(bad)]) == 2
    assert "bad.pdf" in capsys.readouterr().err


def test_module_prints_json(capsys):
    assert main([str(SEED_TEXT)]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "text"


def test_checking_json_does_not_import_pdfplumber():
    code = "import sys, budgetlint.importer, budgetlint.cli; print('pdfplumber' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "False"


def test_fixtures_are_the_corpus_files():
    assert Path(SHANGWUWEI).stat().st_size > 100_000 and Path(ZHENGFUBAN).stat().st_size > 100_000
