"""Importing the two Shanghai 2025 单位预算 PDFs: every printed table figure placed and equal to the
hand transcription (samples/shanghai-putuo-*.yaml), figure by figure by JSON Pointer; the narrative
figures read equal too; each figure's page and line recorded; checking the import gives the same
error-level findings as checking the hand transcription.

Each PDF is imported once per module (about a second each).
"""

from __future__ import annotations

import pytest

from budgetlint.engine import check_document
from budgetlint.importer.checking import check_file, document_of
from budgetlint.importer.document import import_layout
from budgetlint.loader import load_path
from budgetlint.schema import validate
from tests.conftest import ROOT
from tests.importer_compare import compare_figures, is_figure, leaves

pytest.importorskip("pdfplumber")

PDF = ROOT / "tests" / "fixtures" / "pdf"
NAMES = ["shangwuwei", "zhengfuban"]
TABLE_FIGURES = {"shangwuwei": 300, "zhengfuban": 231}
NARRATIVE_FIGURES = {"shangwuwei": 56, "zhengfuban": 52}


def pdf_of(name: str):
    return PDF / f"shanghai-putuo-{name}-2025-danwei-yusuan.pdf"


@pytest.fixture(scope="module")
def imported():
    from budgetlint.importer.layout import read_pdf

    return {name: import_layout(read_pdf(pdf_of(name))) for name in NAMES}


@pytest.fixture(scope="module")
def oracle():
    return {name: load_path(ROOT / "samples" / f"shanghai-putuo-{name}-2025.yaml") for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_table_figure_placed_and_equal(name, imported, oracle):
    equal, differences, missing = compare_figures(imported[name].document, oracle[name].data, "tables")
    assert differences == [] and missing == [], "\n".join(differences + missing)
    assert equal == TABLE_FIGURES[name]
    result = imported[name]
    assert result.figures_placed == result.figures_printed and result.coverage == 100.0
    assert set(result.tables_found) == set(result.tables_expected)
    assert result.findings == []


@pytest.mark.parametrize("name", NAMES)
def test_codes_names_and_labels_equal(name, imported, oracle):
    got = leaves(imported[name].document["tables"], "/tables")
    want = leaves(oracle[name].data["tables"], "/tables")
    keys = ("/code", "/printed_code", "/name", "/label", "/title", "/amount_unit", "/note")
    differences = [
        f"{p}: imported {got.get(p)!r}, hand {v!r}"
        for p, v in want.items()
        if p.endswith(keys) and "/columns/" not in p and "/sides/" not in p and got.get(p) != v
    ]
    assert differences == [], "\n".join(differences)


@pytest.mark.parametrize("name", NAMES)
def test_narrative_figures_equal(name, imported, oracle):
    equal, differences, missing = compare_figures(imported[name].document, oracle[name].data, "narrative")
    assert differences == [] and missing == [], "\n".join(differences + missing)
    assert equal == NARRATIVE_FIGURES[name]


@pytest.mark.parametrize("name", NAMES)
def test_overview_and_glossary(name, imported, oracle):
    doc, hand = imported[name].document, oracle[name].data
    assert len(doc["overview"]["duties"]["items"]) == len(hand["overview"]["duties"]["items"])
    assert doc["overview"]["organization"]["text"] == hand["overview"]["organization"]["text"]
    assert doc["glossary"]["sections"][0]["terms"] == hand["glossary"]["sections"][0]["terms"]


@pytest.mark.parametrize("name", NAMES)
def test_document_is_schema_valid_and_identified(name, imported, oracle):
    doc = imported[name].document
    assert list(validate(doc)) == []
    hand = oracle[name].data
    for key in ("format", "profile", "kind", "fiscal_year", "amount_unit"):
        assert str(doc[key]) == str(hand[key]), key
    assert doc["entity"]["name"] == hand["entity"]["name"]
    assert doc["title"] == hand["title"]


@pytest.mark.parametrize("name", NAMES)
def test_every_figure_has_its_printed_place(name, imported):
    doc = imported[name].document
    locations = doc["source"]["locations"]
    figures = {p: v for p, v in leaves(doc, "").items() if is_figure(v)}

    from budgetlint.importer.source import figures as doc_figures

    unlocated = []
    for pointer, value in doc_figures({k: v for k, v in doc.items() if k in ("tables", "narrative")}):
        if pointer in ("/narrative/year", "/narrative/three_public/year") or "/columns/" in pointer:
            continue
        where = locations.get(pointer)
        printed = (where or {}).get("text", "").replace(",", "").replace(" ", "")
        if where is None or where["page"] is None or str(value) not in printed:
            unlocated.append(f"{pointer} = {value}: {where}")
    assert unlocated == [], "\n".join(unlocated)
    assert figures


@pytest.mark.parametrize("name", NAMES)
def test_checking_the_import_gives_the_hand_transcriptions_errors(name, imported, oracle, rulebook):
    def errors(doc):
        return sorted((f.rule, f.pointer) for f in check_document(doc, rulebook) if f.severity == "error")

    assert errors(document_of(imported[name], "x.pdf")) == errors(oracle[name])


def test_findings_point_to_the_page_and_quote_the_line(rulebook):
    findings, _ = check_file(str(pdf_of("shangwuwei")), "s.pdf", rulebook, _settings(), False)
    yoy = next(f for f in findings if f.rule == "YOY-08")
    assert (yoy.file, yoy.line) == ("s.pdf", 7)  # page 7, the 编制说明
    assert "(p. 7: 「" in yoy.message


def _settings():
    from budgetlint.engine import DEFAULT_SETTINGS

    return DEFAULT_SETTINGS
