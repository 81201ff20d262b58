"""Issue 16, item 1: a finding's identity survives reordering arrays and re-indenting.

The baseline and pointer waivers name a finding by its rule and what it is about — the JSON
Pointer with each array index replaced by the element's printed identity (a table row's code, a
project's name …) — not by array indices or lines."""

from __future__ import annotations

import json
import re
from decimal import Decimal

import pytest

from budgetlint.baseline import element_token, identity, is_identity_pointer, parse_identity_token
from tests.conftest import SAMPLE, run_cli

DATA = {
    "tables": {"revenue": {"rows": [{"code": "208", "name": "社保"}, {"code": "20805", "name": "行政"}]}},
    "performance_goals": [
        {"project": "甲", "indicators": [{"level3": "满意度"}, {"level3": "满意度"}]},
        {"project": "乙/丙", "indicators": []},
    ],
    "overview": {"duties": {"items": ["职责一", "职责二"]}},
    "glossary": {"sections": [{}]},
}


def test_identity_names_array_elements_by_what_they_print():
    assert identity(DATA, "/tables/revenue/rows/1/total") == "/tables/revenue/rows/[code=20805]/total"
    assert identity(DATA, "/performance_goals/0/indicators/1") == (
        "/performance_goals/[project=甲]/indicators/[level3=满意度]#2"
    )
    assert identity(DATA, "/performance_goals/1/project") == "/performance_goals/[project=乙~1丙]/project"
    assert identity(DATA, "/overview/duties/items/1") == "/overview/duties/items/[=职责二]"
    assert identity(DATA, "/glossary/sections/0/title") == "/glossary/sections/0/title"  # nothing names it
    assert identity(DATA, "/performance_goals/9/project") == "/performance_goals/9/project"  # not there
    assert identity(DATA, "") == ""
    assert element_token(DATA["performance_goals"], 1) == "[project=乙~1丙]"
    assert parse_identity_token("[level3=满意度]#2") == ("level3", "满意度", 2)
    assert parse_identity_token("rows") is None and parse_identity_token("3") is None
    assert is_identity_pointer("/performance_goals/[project=甲]") and not is_identity_pointer("/a/0/b")


def _reordered(text: str) -> str:
    """The seed with the arrays whose order means nothing reversed, and indented by 4, not 2."""
    data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    data["performance_goals"].reverse()
    for goal in data["performance_goals"]:
        goal["indicators"].reverse()
    for table in data["tables"].values():
        if isinstance(table, dict) and isinstance(table.get("rows"), list):
            table["rows"].reverse()
    data["narrative"]["performance"]["projects"].reverse()
    out = json.dumps(data, ensure_ascii=False, indent=4, default=lambda d: f"@@{d}@@")
    return re.sub(r'"@@([^"]*)@@"', r"\1", out)  # the decimals as written


@pytest.fixture()
def archive(tmp_path):
    (tmp_path / "unit.json").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    return tmp_path


def _check(cwd, *args):
    return run_cli("check", "--no-config", "--format", "json", *args, "unit.json", cwd=cwd)


def test_baseline_and_identity_waivers_match_every_finding_after_reordering_and_reindenting(archive):
    written = _check(archive, "--write-baseline", "baseline.json")
    assert written.returncode == 0, written.stderr
    baseline = json.loads((archive / "baseline.json").read_text(encoding="utf-8"))
    assert baseline["version"] == 2
    entries = baseline["findings"]
    assert sum(e.get("count", 1) for e in entries) == 65
    # a waiver per finding, its pointer written by identity (the baseline's `id`)
    waivers = [
        {"document": "unit.json", "rule": e["rule"], "pointer": e["id"], "reason": "已核实"}
        for e in entries
        if e["rule"] != "schema"
    ]
    pointers = [w["pointer"] for w in waivers]
    assert any("[project=" in p for p in pointers) and any("[code=" in p for p in pointers)
    (archive / "waivers.json").write_text(json.dumps(waivers, ensure_ascii=False), encoding="utf-8")

    original = (archive / "unit.json").read_text(encoding="utf-8")
    (archive / "unit.json").write_text(_reordered(original), encoding="utf-8")
    assert (archive / "unit.json").read_text(encoding="utf-8") != original

    again = _check(archive, "--baseline", "baseline.json")
    assert again.returncode == 0, again.stdout + again.stderr
    report = json.loads(again.stdout)
    assert report["findings"] == [], report["findings"][:3]

    waived = _check(archive, "--waivers", "waivers.json")
    report = json.loads(waived.stdout)
    assert waived.returncode == 0, waived.stdout[:2000] + waived.stderr
    assert report["findings"] and all(f.get("waived") for f in report["findings"]), [
        f for f in report["findings"] if not f.get("waived")
    ][:3]
    assert len(report["findings"]) == 65


def test_an_index_pointer_waiver_still_matches_in_place(archive):
    first = json.loads(_check(archive).stdout)["findings"]
    target = next(f for f in first if "/performance_goals/" in f["pointer"])
    waiver = [{"document": "unit.json", "rule": target["rule"], "pointer": target["pointer"], "reason": "x"}]
    (archive / "waivers.json").write_text(json.dumps(waiver, ensure_ascii=False), encoding="utf-8")
    report = json.loads(_check(archive, "--waivers", "waivers.json").stdout)
    assert [f["pointer"] for f in report["findings"] if f.get("waived")] == [target["pointer"]]


def test_a_version_1_baseline_is_still_read_and_rewritten_as_version_2(archive):
    from budgetlint.baseline import legacy_fingerprint
    from budgetlint.engine import check_document
    from budgetlint.loader import load_path
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema

    doc = load_path(archive / "unit.json")
    findings = check_document(doc, load_rulebook([rules_dir()], load_schema()))
    entries = [
        {"file": "unit.json", "rule": f.rule, "pointer": f.pointer, "hash": legacy_fingerprint(doc.data, f)}
        for f in findings
    ]
    old = {"format": "budgetlint-baseline", "version": 1, "findings": entries}
    (archive / "old.json").write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    proc = _check(archive, "--baseline", "old.json")
    assert proc.returncode == 0 and json.loads(proc.stdout)["findings"] == [], proc.stderr
    # to migrate: write the baseline again (without --baseline, which would leave out what it knows)
    fresh = _check(archive, "--write-baseline", "new.json")
    assert json.loads((archive / "new.json").read_text(encoding="utf-8"))["version"] == 2, fresh.stderr
