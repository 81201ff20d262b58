"""The two Shanghai 单位预算 samples (tables in 元, text in 万元, no unit codes, a 编制说明 stated per
line): their findings, worked out by hand (samples/*.notes.md), and the model @2 guarantees on them."""

from __future__ import annotations

import copy
import re
from decimal import Decimal

import pytest
import yaml

from budgetlint.engine import check_document
from budgetlint.loader import Document, load_path
from tests.conftest import ROOT

SAMPLES = ROOT / "samples"

NAMES = ["shanghai-putuo-shangwuwei-2025", "shanghai-putuo-zhengfuban-2025"]


def _expected(name: str) -> list[tuple[str, str, str]]:
    """(rule, pointer, severity) of samples/NAME.expected.yaml, each entry justified by its `why`."""
    entries = yaml.safe_load((SAMPLES / f"{name}.expected.yaml").read_text(encoding="utf-8"))["findings"]
    assert all(e.get("why") for e in entries), "every expected finding says why it is right"
    return sorted((e["rule"], e["pointer"], e["severity"]) for e in entries)


def _load(name: str) -> Document:
    return load_path(SAMPLES / f"{name}.yaml")


@pytest.mark.parametrize("name", NAMES)
def test_findings_are_the_ones_worked_out_by_hand(name, rulebook):
    found = check_document(_load(name), rulebook)
    assert sorted((f.rule, f.pointer, f.severity) for f in found) == _expected(name)


def _in_wan(data):
    """The same document as if every table had been printed in 万元 (to the 分: six decimals)."""
    out = copy.deepcopy(data)
    for table in out["tables"].values():
        if table.get("amount_unit") != "元":
            continue
        table["amount_unit"], table["decimals"] = "万元", Decimal(6)

        def scale(node, key=None):
            if isinstance(node, dict):
                return {k: v if k in ("columns", "key_columns") else scale(v, k) for k, v in node.items()}
            if isinstance(node, list):
                return [scale(v, key) for v in node]
            return node.scaleb(-4) if isinstance(node, Decimal) and key != "decimals" else node

        table.update(scale({k: v for k, v in table.items() if k not in ("amount_unit", "decimals")}))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_tables_in_yuan_check_exactly_as_the_same_tables_in_wan(name, rulebook):
    doc = _load(name)
    as_yuan = check_document(doc, rulebook)
    converted = _in_wan(doc.data)
    assert converted != doc.data
    as_wan = check_document(Document.in_memory(doc.name, converted), rulebook)
    seen = sorted((f.rule, f.pointer, f.message) for f in as_yuan)  # in memory, every position is 1:1
    assert seen == sorted((f.rule, f.pointer, f.message) for f in as_wan)


def _numbers(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _numbers(value)
    elif isinstance(node, list):
        for value in node:
            yield from _numbers(value)
    elif isinstance(node, Decimal):
        yield node


@pytest.mark.parametrize("name", NAMES)
def test_every_transcribed_figure_is_printed_in_the_source(name):
    text = (SAMPLES / f"{name}.txt").read_text(encoding="utf-8").replace(",", "")
    printed = set(re.findall(r"\d+(?:\.\d+)?", text))
    data = _load(name).data
    figures = list(_numbers(data["tables"])) + list(_numbers(data["narrative"]))
    missing = sorted({str(n) for n in figures if str(n) not in printed and n != n.to_integral_value()})
    assert not missing, f"figures not printed in {name}.txt: {missing[:10]}"
    assert len(figures) > 200


@pytest.mark.parametrize("name", NAMES)
def test_the_published_pdf_gives_the_same_findings_as_its_transcription(name, rulebook):
    from budgetlint.importer.checking import import_path

    pdf = ROOT / "tests" / "fixtures" / "pdf" / f"{name}-danwei-yusuan.pdf"
    imported = import_path(pdf).document
    found = check_document(Document.in_memory(pdf.name, imported), rulebook)
    assert sorted((f.rule, f.pointer, f.severity) for f in found) == _expected(name)
