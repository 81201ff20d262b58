"""Importing the seed's extracted text (samples/xunwu-2023-social-insurance.txt) against its hand
transcription (samples/xunwu-2023-social-insurance.json), figure by figure, by JSON Pointer.

Plain text has no positions: an empty printed cell leaves no token, so a row printing fewer figures
than its table has columns does not say by itself which columns they are in. The importer places
such a figure only where the document's printed identities leave one column (text_solve); the
source map says which identities decided. These tests pin what that reaches on the seed — every
printed figure, none different — and that a figure the identities leave open is reported, never
guessed.
"""

from __future__ import annotations

import pytest

from budgetlint.engine import check_document
from budgetlint.importer.checking import document_of
from budgetlint.importer.document import import_layout
from budgetlint.importer.text import read_text
from budgetlint.importer.text_solve import Constraint, Short, solve, units
from budgetlint.loader import load_path
from budgetlint.schema import validate
from tests.conftest import ROOT
from tests.importer_compare import compare_figures

SEED = ROOT / "samples" / "xunwu-2023-social-insurance"
# figures of the hand transcription each part of the import reaches (all of them)
REACHED = {"tables": 292, "narrative": 79, "performance_goals": 35, "overview": 7}


@pytest.fixture(scope="module")
def imported():
    return import_layout(read_text(f"{SEED}.txt"))


@pytest.fixture(scope="module")
def hand():
    return load_path(f"{SEED}.json")


@pytest.mark.parametrize("part", list(REACHED))
def test_every_printed_figure_equals_the_hand_transcription(part, imported, hand):
    equal, differences, missing = compare_figures(imported.document, hand.data, part)
    assert differences == [], "\n".join(differences)  # nothing imported differs
    assert missing == [], f"{equal} of {REACHED[part]} figures equal; not imported:\n" + "\n".join(missing)
    assert equal == REACHED[part]


def test_checking_the_import_gives_the_hand_transcriptions_findings(imported, hand, rulebook):
    def findings(doc, severity=None):
        return sorted(
            (f.rule, f.pointer) for f in check_document(doc, rulebook) if severity in (None, f.severity)
        )

    ours, theirs = document_of(imported, "seed.txt"), hand
    assert findings(ours, "error") == findings(theirs, "error")
    assert len(findings(theirs, "error")) == 5
    assert findings(ours) == findings(theirs)  # warnings and info too


def test_every_table_figure_placed_and_nothing_reported(imported):
    assert imported.findings == []
    assert imported.figures_placed == imported.figures_printed == 253  # 292 less the 39 empty-column nulls
    assert list(validate(imported.document)) == []
    assert imported.profile == "jiangxi-2023"
    assert set(imported.tables_found) == set(imported.tables_expected)
    doc = imported.document
    assert (doc["entity"]["code"], doc["entity"]["name"], doc["title"]["text"]) == (
        "202002",
        "寻乌县社会保险服务中心",
        "寻乌县社会保险服务中心2023年部门预算",
    )


def test_the_source_map_says_how_each_figure_was_placed(imported):
    locations = imported.document["source"]["locations"]
    placed = {p: where["placed"] for p, where in locations.items() if "placed" in where}
    by_identity = {p: how for p, how in placed.items() if how.startswith("identity: ")}
    assert set(placed.values()) - set(by_identity.values()) == {"printed position"}
    # the 三公 row prints 2.00 2.00 under five columns: the text's 公务接待费 2 万元 decides
    assert "“三公”经费说明：公务接待费 2 万元" in by_identity["/tables/three_public/rows/0/reception"]
    # 01 人力资源和社会保障管理事务 283.88 283.88 is 基本支出: 208's 315.14 = Σ款 allows no other
    assert "expenditure 208 = Σ下级 (basic)" in by_identity["/tables/expenditure/rows/1/basic"]
    assert len(by_identity) == 220  # every figure of a short row, its 合计 too
    for pointer, where in locations.items():  # each figure is on the line recorded for it
        if pointer in placed:
            value = _at(imported.document, pointer)
            assert str(value) in where["text"].replace(",", ""), (pointer, where)


def _at(doc, pointer):
    for token in pointer.split("/")[1:]:
        doc = doc[int(token)] if isinstance(doc, list) else doc[token]
    return doc


def test_a_figure_the_identities_leave_open_is_reported_not_guessed(tmp_path, hand):
    # without its “三公” section nothing says which of the 三公 table's four parts its 2.00 is
    text = SEED.with_suffix(".txt").read_text(encoding="utf-8")
    start, end = text.index("二、2023 年“三公”经费预算情况说明"), text.index("第四部分 名词解释")
    source = tmp_path / "seed.txt"
    source.write_text(text[:start] + text[end:], encoding="utf-8")
    imported = import_layout(read_text(source))
    row = imported.document["tables"]["three_public"]["rows"][0]
    parts = ("outbound", "reception", "vehicle_operation", "vehicle_purchase")
    assert row["total"] == 2 and [row[k] for k in parts] == [None] * 4
    (finding,) = [f for f in imported.findings if f.rule == "IMPORT-01"]
    assert finding.text == "2.00" and "、".join(parts) in finding.message
    _, differences, _ = compare_figures(imported.document, hand.data, "tables")
    assert differences == []


@pytest.mark.parametrize("name", ["shangwuwei", "zhengfuban"])
def test_shanghai_text_layers_place_nothing_wrong(name):
    # their two-level headers print no number line, so the text does not vouch for the columns'
    # order: figures are reported rather than placed by an order read wrong (the PDFs place them all)
    path = ROOT / "samples" / f"shanghai-putuo-{name}-2025"
    imported = import_layout(read_text(f"{path}.txt"))
    _, differences, _ = compare_figures(imported.document, load_path(f"{path}.yaml").data, "tables")
    assert differences == [], "\n".join(differences)
    unplaced = [f for f in imported.findings if f.rule == "IMPORT-01"]
    assert imported.figures_placed + len(unplaced) == imported.figures_printed


def test_two_consistent_placements_place_nothing_and_a_broken_identity_decides_nothing():
    def short(values):
        return Short("/r", ["total", "a", "b"], [units_of(v) for v in values])

    row = short(["5", "5"])  # 合计 5 and one 5: under a or under b, both add up
    solve([Constraint("total = a + b", [(row, "total", 1), (row, "a", -1), (row, "b", -1)])])
    assert row.columns(0) == {0} and row.columns(1) == {1, 2}
    row = short(["5", "4"])  # 5 ≠ 4 however placed: the identity is set aside, not used to choose
    broken = solve([Constraint("total = a + b", [(row, "total", 1), (row, "a", -1), (row, "b", -1)])])
    assert broken == ["total = a + b"] and len(row.domain) == 3


def units_of(text):
    from decimal import Decimal

    assert units(Decimal(text)) is not None
    return Decimal(text)
