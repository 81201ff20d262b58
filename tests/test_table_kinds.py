"""Each table kind is declared once (budgetlint/table_kinds.py): the schema, the docs and the rules'
lists follow the declarations."""

from __future__ import annotations

from budgetlint.schema import load_schema
from budgetlint.table_kinds import (
    DOCS_BEGIN,
    DOCS_END,
    TABLE_KINDS,
    docs_table,
    schema_tables_properties,
    titles_for,
)
from tests.conftest import ROOT


def test_the_schema_lists_the_declared_kinds():
    tables = load_schema()["properties"]["tables"]["properties"]
    assert tables == schema_tables_properties(tables), "run `python -m budgetlint.table_kinds`"
    shapes = load_schema()["$defs"]
    assert all(kind.shape in shapes for kind in TABLE_KINDS)


def test_the_docs_list_the_declared_kinds():
    text = (ROOT / "docs" / "document-model.md").read_text(encoding="utf-8")
    start, end = text.index(DOCS_BEGIN), text.index(DOCS_END) + len(DOCS_END)
    assert text[start:end] == docs_table(), "run `python -m budgetlint.table_kinds`"


def test_the_rules_lists_follow_the_declarations(rulebook, sample_data):
    functional = [kind.key for kind in TABLE_KINDS if "functional" in kind.tags]
    assert rulebook.evaluate('table_kinds("functional")', sample_data) == functional
    tables = rulebook.evaluate("functional_tables()", sample_data)
    assert tables == [sample_data["tables"].get(k) for k in functional]
    assert len(rulebook.evaluate('table_kinds("required")', sample_data)) == 8


def test_titles_follow_the_profile_chain():
    assert "收入预算总表" not in titles_for("revenue", "jiangxi-2023")
    assert titles_for("revenue", "jiangxi-2024") == titles_for(
        "revenue", "jiangxi-2023"
    )  # a later year inherits
    assert "预算单位收入预算总表" in titles_for("revenue", "shanghai-2025")
    assert titles_for("revenue", "national") == [] and titles_for("nonesuch", "shanghai") == []
