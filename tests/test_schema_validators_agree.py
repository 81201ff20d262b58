"""The compiled validator (jsonschema-rs) is only a fast path: it must agree with python-jsonschema."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from budgetlint.loader import load_path
from budgetlint.schema import _fast_validator, _validator
from tests.conftest import ROOT, SAMPLE

DOCUMENTS = [SAMPLE, *sorted((ROOT / "samples" / "broken").glob("*.json"))]


def _mutations(data):
    yield "as is", data
    for label, mutate in [
        ("fractional year", lambda d: d.__setitem__("fiscal_year", Decimal("2023.5"))),
        ("text year", lambda d: d.__setitem__("fiscal_year", "2023")),
        ("unknown field", lambda d: d["narrative"]["revenue"].__setitem__("totl", Decimal(1))),
        ("bad code", lambda d: d["tables"]["general_budget"]["rows"][0].__setitem__("code", "20")),
        ("missing entity", lambda d: d.pop("entity")),
        ("negative count", lambda d: d["overview"]["organization"].__setitem__("budget_units", Decimal(-1))),
    ]:
        changed = copy.deepcopy(data)
        mutate(changed)
        yield label, changed


@pytest.mark.skipif(_fast_validator() is None, reason="jsonschema-rs is not installed")
@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.stem for p in DOCUMENTS])
def test_fast_and_reference_validators_agree(path):
    for label, data in _mutations(load_path(path).data):
        reference = not any(True for _ in _validator().iter_errors(data))
        assert _fast_validator().is_valid(data) == reference, label


@pytest.mark.skipif(_fast_validator() is None, reason="jsonschema-rs is not installed")
def test_both_validators_report_the_same_places(monkeypatch):
    from budgetlint import schema

    for label, data in _mutations(load_path(SAMPLE).data):
        fast = sorted(p for p, _ in schema.validate(data))
        with monkeypatch.context() as m:
            m.setattr(schema, "_fast_validator", lambda: None)
            reference = sorted(p for p, _ in schema.validate(data))
        assert fast == reference, label
