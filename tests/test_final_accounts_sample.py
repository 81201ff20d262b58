"""The corpus 决算 (上海市普陀区财政局 2024 部门决算), transcribed: its findings, worked out by hand
(samples/shanghai-putuo-caizhengju-2024-juesuan.notes.md), every transcribed figure printed in the
source, and the 决算 and budget rules kept apart."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
import yaml

from budgetlint.engine import check_document
from budgetlint.loader import Document, load_path
from tests.conftest import ROOT

SAMPLES = ROOT / "samples"
NAME = "shanghai-putuo-caizhengju-2024-juesuan"


def _load() -> Document:
    return load_path(SAMPLES / f"{NAME}.yaml")


def _expected() -> list[tuple[str, str, str]]:
    entries = yaml.safe_load((SAMPLES / f"{NAME}.expected.yaml").read_text(encoding="utf-8"))["findings"]
    assert all(str(e.get("why", "")).strip() for e in entries), "every expected finding says why it is right"
    return sorted((e["rule"], e["pointer"], e["severity"]) for e in entries)


def test_findings_are_the_ones_worked_out_by_hand(rulebook):
    found = check_document(_load(), rulebook)
    assert sorted((f.rule, f.pointer, f.severity) for f in found) == _expected()


def _numbers(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _numbers(value)
    elif isinstance(node, list):
        for value in node:
            yield from _numbers(value)
    elif isinstance(node, Decimal):
        yield node


def test_every_transcribed_figure_is_printed_in_the_source():
    text = (SAMPLES / f"{NAME}.txt").read_text(encoding="utf-8").replace(",", "")
    printed = set(re.findall(r"\d+(?:\.\d+)?", text))
    data = _load().data
    figures = list(_numbers(data["tables"])) + list(_numbers(data["narrative"]))
    # integers (counts, 0, the year) are everywhere; every figure with decimals is checked as printed
    missing = sorted({str(n) for n in figures if str(n) not in printed and n != n.to_integral_value()})
    assert not missing, f"figures not printed in {NAME}.txt: {missing[:10]}"
    assert len(figures) > 150


def test_every_printed_figure_of_the_tables_is_transcribed():
    """The converse, for the table pages (6-20): each decimal figure printed there is in the document."""
    text = (SAMPLES / f"{NAME}.txt").read_text(encoding="utf-8")
    pages = re.split(r"=== page (\d+) ===", text)
    bodies = zip(pages[1::2], pages[2::2], strict=True)
    table_text = "".join(body for number, body in bodies if 6 <= int(number) <= 20)
    printed = {s.replace(",", "") for s in re.findall(r"\d[\d,]*\.\d+", table_text)}
    transcribed = {str(n) for n in _numbers(_load().data["tables"])}
    assert printed - transcribed == set()


def test_it_is_a_final_accounts_document(rulebook):
    data = _load().data
    assert data["kind"] == "部门决算"
    assert rulebook.evaluate("is_final()", data) is True
    assert sorted(rulebook.evaluate('table_kinds("final")', data)) == sorted(data["tables"])


def test_final_rules_are_silent_on_budgets_and_budget_premises_on_the_final(rulebook):
    for name in ["xunwu-2023-social-insurance.json", "shanghai-putuo-shangwuwei-2025.yaml"]:
        found = check_document(load_path(SAMPLES / name), rulebook)
        assert not [f for f in found if f.rule.startswith("FA-")], name
    found = {f.rule for f in check_document(_load(), rulebook)}
    assert not found & {"COMP-01", "COMP-07C", "COMP-13", "META-01N", "PA-05"}


BROKEN = sorted((SAMPLES / "broken" / "final").glob("*.json"))


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_final_sample(path, rulebook):
    """samples/broken/final/<group>.json: the corpus 决算 with defects injected for one rule group;
    the findings of that group's rules are exactly those listed, each with its arithmetic."""
    spec = yaml.safe_load(path.with_suffix(".expected.yaml").read_text(encoding="utf-8"))
    findings = check_document(load_path(path), rulebook)
    assert not [f for f in findings if f.rule == "schema"], "a broken sample must still fit the schema"
    prefixes = tuple(spec["prefixes"])
    got = sorted((f.rule, f.pointer, f.severity) for f in findings if f.rule.startswith(prefixes))
    assert got == sorted((e["rule"], e["pointer"], e["severity"]) for e in spec["findings"])
    assert all(str(e.get("why", "")).strip() for e in spec["findings"])
    assert len(BROKEN) == 3
