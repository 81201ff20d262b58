"""Documents with one value of the wrong kind: every rule must cope (a rule-error finding at
most), never crash. Used by the test suite on a sample of places and by bench/ on all of them."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal

from budgetlint.engine import rule_findings
from budgetlint.loader import Document

# One of each kind of JSON value, and lists and objects holding the other kinds.
SUBSTITUTES = (Decimal(7), "文本", None, True, [], {}, ["x"], [Decimal(1)], [{}], {"a": Decimal(1)})


def places(value, path: tuple = ()) -> Iterator[tuple]:
    """The path of every value in a document, containers and scalars, root excluded."""
    if path:
        yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from places(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from places(child, (*path, index))


def replaced(data: dict, path: tuple, substitute) -> dict:
    doc = copy.deepcopy(data)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = copy.deepcopy(substitute)
    return doc


def crashes(data: dict, rulebook, every: int = 1) -> Iterator[tuple[tuple, object, str]]:
    """(path, substitute, message) for each rule that failed with an internal error."""
    for path in list(places(data))[::every]:
        for substitute in SUBSTITUTES:
            doc = Document.in_memory("fuzz.json", replaced(data, path, substitute))
            for finding in rule_findings(doc, rulebook):
                if finding.rule == "rule-error" and "internal error" in finding.message:
                    yield path, substitute, finding.message
