"""What was not printed is absent, never 0.

A template that does not print a table, or a part of the explanation, gives a document without it:
removing any one of them from a real sample may make a completeness rule report it missing, but no
other rule may report anything new — a rule that did would be reading the absent part as a zero.
Removing any smaller optional part (a summary line, a column, a narrative item) may legitimately
break a printed total, but no finding may then point into the removed part: a rule reporting on it
read it as something."""

from __future__ import annotations

import copy

import pytest

from budgetlint.engine import check_document
from budgetlint.loader import Document, load_path
from budgetlint.schema import validate
from tests.conftest import ROOT

SAMPLES = [
    "shanghai-putuo-shangwuwei-2025.yaml",
    "shanghai-putuo-zhengfuban-2025.yaml",
    "xunwu-2023-social-insurance.json",
    "correct-unit-2024.yaml",
]
# Rules whose subject is presence: reporting a removed part missing is their job.
PRESENCE = ("COMP-", "META-05", "XT-14")


def _whole_parts(data):
    """(label, document) without each table and each part of the explanation."""
    for root in ("tables", "narrative"):
        for key, value in data.get(root, {}).items():
            if isinstance(value, dict | list):
                changed = copy.deepcopy(data)
                del changed[root][key]
                yield f"without /{root}/{key}", f"/{root}/{key}", changed


def _removals(data):
    """(label, removed pointer, document) for each optional part removed: every object or list down
    to three levels under tables, narrative and overview, and each amount column of a table."""
    for root in ("tables", "narrative", "overview", "glossary", "contents"):
        if root in data:
            yield from _keys(data, [root], 1)
    for name, table in data.get("tables", {}).items():
        for column in (table.get("columns") or []) if isinstance(table, dict) else []:
            changed = copy.deepcopy(data)
            t = changed["tables"][name]
            t["columns"] = [c for c in t["columns"] if c["key"] != column["key"]]
            for row in [t.get("total"), *(t.get("rows") or [])]:
                if isinstance(row, dict):
                    row.pop(column["key"], None)
            yield f"column {name}.{column['key']} not printed", f"/tables/{name}/{column['key']}", changed


def _keys(data, path, depth):
    node = data
    for key in path:
        node = node[key]
    if not isinstance(node, dict) or depth > 3:
        return
    for key in list(node):
        if not isinstance(node[key], dict | list):
            continue  # a printed line has its cell (null when empty): only parts can be unprinted
        changed = copy.deepcopy(data)
        parent = changed
        for k in path:
            parent = parent[k]
        del parent[key]
        pointer = "/" + "/".join([*path, key])
        yield f"without {pointer}", pointer, changed
        yield from _keys(data, [*path, key], depth + 1)


def _new(name, data, before, rulebook):
    found = check_document(Document.in_memory(name, data), rulebook)
    return [f for f in found if (f.rule, f.pointer) not in before and not f.rule.startswith(PRESENCE)]


@pytest.mark.parametrize("name", SAMPLES)
def test_a_table_or_part_not_printed_is_not_read_as_zero(name, rulebook):
    doc = load_path(ROOT / "samples" / name)
    before = {(f.rule, f.pointer) for f in check_document(doc, rulebook)}
    tried, wrong = 0, []
    for label, _, data in _whole_parts(doc.data):
        tried += 1
        wrong += [f"{label}: {f.rule} {f.pointer} {f.message}" for f in _new(name, data, before, rulebook)]
    assert tried >= 12
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.parametrize("name", SAMPLES)
def test_no_finding_points_into_a_removed_part(name, rulebook):
    doc = load_path(ROOT / "samples" / name)
    before = {(f.rule, f.pointer) for f in check_document(doc, rulebook)}
    tried, wrong = 0, []
    for label, removed, data in _removals(doc.data):
        if validate(data):
            continue  # the schema requires this part: not a case of absence
        tried += 1
        into = [f for f in _new(name, data, before, rulebook) if (f.pointer + "/").startswith(removed + "/")]
        wrong += [f"{label}: {f.rule} {f.pointer} {f.message}" for f in into]
    assert tried > 100
    assert not wrong, "\n".join(wrong[:20])
