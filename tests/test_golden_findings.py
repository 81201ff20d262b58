"""Golden findings: the seed's real defects (each justified) and the broken samples' known defects.

- samples/xunwu-2023-social-insurance.expected/<group>.yaml: for one rule group (`prefixes`), every
  finding the seed must yield, each with `why` (the arithmetic or quotation that justifies it).
  Together the group files must account for every finding of the seed, and nothing more.
- samples/broken/<name>.json with <name>.expected.yaml: a copy of the seed with defects injected
  for one rule group; the findings of that group's rules must be exactly those listed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from budgetlint.engine import check_document
from budgetlint.loader import load_path
from tests.conftest import ROOT, SAMPLE

EXPECTED_DIR = ROOT / "samples" / "xunwu-2023-social-insurance.expected"
BROKEN = sorted((ROOT / "samples" / "broken").glob("*.json"))


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _key(entry) -> tuple[str, str, str]:
    return (entry["rule"], entry["pointer"], entry["severity"])


def _in_group(rule: str, prefixes) -> bool:
    return any(rule == p or rule.startswith(p) for p in prefixes)


@pytest.fixture(scope="module")
def seed_findings(rulebook):
    return check_document(load_path(SAMPLE), rulebook)


def test_seed_findings_are_exactly_the_justified_ones(seed_findings):
    expected, owners = set(), {}
    for path in sorted(EXPECTED_DIR.glob("*.yaml")):
        group = _load(path)
        for entry in group.get("findings") or []:
            assert str(entry.get("why", "")).strip(), f"{path.name}: {entry['rule']} lacks 'why'"
            assert _in_group(entry["rule"], group["prefixes"]), f"{path.name}: {entry['rule']} not in group"
            expected.add(_key(entry))
            owners[_key(entry)] = path.name
    got = {(f.rule, f.pointer, f.severity) for f in seed_findings}
    missing, extra = sorted(expected - got), sorted(got - expected)
    assert not missing, f"expected but not found: {missing}"
    assert not extra, f"found but not expected (justify in {EXPECTED_DIR.name}/ or fix): {extra}"


def test_every_rule_group_file_names_its_prefixes():
    for path in EXPECTED_DIR.glob("*.yaml"):
        assert _load(path).get("prefixes"), path.name


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_sample(path, rulebook):
    spec = _load(path.with_suffix(".expected.yaml"))
    findings = check_document(load_path(path), rulebook)
    assert not [f for f in findings if f.rule == "schema"], "a broken sample must still fit the schema"
    got = sorted((f.rule, f.pointer, f.severity) for f in findings if _in_group(f.rule, spec["prefixes"]))
    want = sorted(_key(e) for e in spec["findings"])
    assert got == want
    assert all(str(e.get("why", "")).strip() for e in spec["findings"])
