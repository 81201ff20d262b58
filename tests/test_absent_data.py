"""A rule whose data is absent is skipped, never an error: every optional part of the seed removed,
and every nullable value of its narrative and first project set to null, yields no rule-error."""

from __future__ import annotations

import copy

from budgetlint.engine import rule_findings
from budgetlint.loader import Document
from budgetlint.schema import _fast_validator, validate


def _optional_parts(node, path, depth=1):
    if depth > 3 or not isinstance(node, dict):
        return
    for key in node:
        yield [*path, key]
        yield from _optional_parts(node[key], [*path, key], depth + 1)


def _leaves(node, path):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, [*path, key])
    elif isinstance(node, list):
        for i, value in enumerate(node[:2]):
            yield from _leaves(value, [*path, i])
    elif node is not None:
        yield path


def _variants(data):
    for path in _optional_parts(data, []):
        changed = copy.deepcopy(data)
        parent = changed
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
        yield "without /" + "/".join(map(str, path)), changed
    for root in (["narrative"], ["performance_goals", 0]):
        start = data
        for key in root:
            start = start[key]
        for path in _leaves(start, root):
            changed = copy.deepcopy(data)
            parent = changed
            for key in path[:-1]:
                parent = parent[key]
            parent[path[-1]] = None
            yield "null at /" + "/".join(map(str, path)), changed


def test_absent_data_never_raises_a_rule_error(sample_data, rulebook):
    valid = _fast_validator().is_valid if _fast_validator() else (lambda data: not validate(data))
    tried = 0
    for label, data in _variants(sample_data):
        if not valid(data):  # the schema requires this part: not a case of absent data
            continue
        tried += 1
        found = rule_findings(Document.in_memory("x", data), rulebook)
        assert [f.message for f in found if f.rule == "rule-error"] == [], label
    assert tried > 80
