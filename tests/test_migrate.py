"""Model @1 documents load as @2, and `budgetlint migrate` rewrites one changing only `format`."""

from __future__ import annotations

import shutil

import pytest

from budgetlint.commands.migrate import NEW, OLD, migrated_text
from budgetlint.engine import check_document
from budgetlint.loader import load_path, load_text
from tests.conftest import ROOT, run_cli

OLD_DOCUMENTS = sorted(
    p for p in ROOT.glob("tests/fixtures/docs/*.json") if OLD in p.read_text(encoding="utf-8")
)


def test_there_are_at_1_documents_to_convert():
    assert len(OLD_DOCUMENTS) >= 2


@pytest.mark.parametrize("path", OLD_DOCUMENTS, ids=lambda p: p.name)
def test_an_at_1_document_converts_with_nothing_lost_and_checks_the_same(path, rulebook):
    before = load_path(path)
    text = migrated_text(before.text)
    after = load_text(text, before.name, "json")
    assert after.data["format"] == NEW and {**after.data, "format": OLD} == before.data
    assert text.replace(NEW, OLD, 1) == before.text  # one value changed, every other character kept
    found = [(f.rule, f.pointer, f.message) for f in check_document(before, rulebook)]
    assert found == [(f.rule, f.pointer, f.message) for f in check_document(after, rulebook)]


def test_migrate_rewrites_in_place_and_refuses_a_second_time(tmp_path):
    target = tmp_path / "unit.json"
    shutil.copy(OLD_DOCUMENTS[0], target)
    done = run_cli("migrate", str(target))
    assert done.returncode == 0 and NEW in target.read_text(encoding="utf-8")
    again = run_cli("migrate", str(target))
    assert again.returncode == 2 and "nothing to migrate" in again.stderr and "Traceback" not in again.stderr


def test_migrate_to_another_file_leaves_the_document_alone(tmp_path):
    original = OLD_DOCUMENTS[0].read_bytes()
    out = tmp_path / "unit@2.json"
    done = run_cli("migrate", str(OLD_DOCUMENTS[0]), "-o", str(out))
    assert done.returncode == 0 and OLD_DOCUMENTS[0].read_bytes() == original
    assert load_path(out).data["format"] == NEW


def test_a_yaml_document_keeps_its_comments(tmp_path):
    target = tmp_path / "unit.yaml"
    target.write_text(f"# a comment\nformat: {OLD}  # the model\nfiscal_year: 2024\n", encoding="utf-8")
    assert run_cli("migrate", str(target)).returncode == 0
    assert (
        target.read_text(encoding="utf-8") == f"# a comment\nformat: {NEW}  # the model\nfiscal_year: 2024\n"
    )
