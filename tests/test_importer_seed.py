"""Importing the seed's extracted text (samples/xunwu-2023-social-insurance.txt), best effort.

Plain text has no positions: an empty printed cell leaves no token, so a row that prints fewer
figures than the table has columns cannot say which column its second figure is in. The importer
places the figures it can (whole rows, and the 合计 of the others) and reports the rest; this test
pins what it reaches, so that it cannot regress, and that nothing it places differs from the hand
transcription.
"""

from __future__ import annotations

from budgetlint.importer.document import import_layout
from budgetlint.importer.text import read_text
from budgetlint.loader import load_path
from budgetlint.schema import validate
from tests.conftest import ROOT
from tests.importer_compare import compare_figures

SEED = ROOT / "samples" / "xunwu-2023-social-insurance"
REACHED = 274  # of the hand transcription's 292 table figures


def test_seed_text_tables_best_effort():
    imported = import_layout(read_text(f"{SEED}.txt"))
    hand = load_path(f"{SEED}.json").data
    equal, differences, missing = compare_figures(imported.document, hand, "tables")
    assert differences == [], "\n".join(differences)  # nothing placed differs from the hand transcription
    assert equal >= REACHED, f"{equal} figures equal (was {REACHED}); not imported:\n" + "\n".join(missing)
    assert list(validate(imported.document)) == []
    assert imported.profile == "jiangxi-2023"
    assert set(imported.tables_found) == set(imported.tables_expected)
    # every figure not placed is reported with its line, none silently dropped
    unplaced = [f for f in imported.findings if f.rule == "IMPORT-01"]
    assert imported.figures_placed + len(unplaced) == imported.figures_printed
    assert all(f.page == 1 and f.line for f in unplaced)
    doc = imported.document
    assert (doc["entity"]["name"], doc["title"]["text"]) == (
        "寻乌县社会保险服务中心",
        "寻乌县社会保险服务中心2023年部门预算",
    )
