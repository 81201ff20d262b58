"""Waivers (accepted findings, shown but not failing) and baselines (only new findings)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.test_report_formats import FIXTURES, run

RULES = ("--no-builtin-rules", "--rules", "checks")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "rules", tmp_path / "checks")
    (tmp_path / "docs").mkdir()
    for name in ("unit-a.json", "unit-b.json"):
        shutil.copy(FIXTURES / "docs" / name, tmp_path / "docs" / name)
    (tmp_path / "budgetlint.toml").write_text('rules = ["checks"]\nbuiltin-rules = false\n', encoding="utf-8")
    return tmp_path


def waivers(project: Path, text: str) -> Path:
    path = project / "budgetlint-waivers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def as_json(proc) -> dict:
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)


WAIVE_ERROR = """\
- document: docs/unit-a.json
  rule: FIX-01
  reason: 上年数据口径调整，占比按调整后口径列示
  approved_by: 李科长
  expires: 2999-12-31
"""


def test_a_waived_error_is_shown_counted_and_does_not_fail(project):
    waivers(project, WAIVE_ERROR)  # found next to the config file
    proc = run("check", "docs", cwd=project)
    assert proc.returncode == 0, proc.stdout
    line = next(x for x in proc.stdout.splitlines() if " FIX-01 " in x)
    assert line.endswith("[waived: 上年数据口径调整，占比按调整后口径列示; approved by 李科长]")
    assert "(1 waived)" in proc.stdout.splitlines()[-1]
    payload = as_json(run("check", "--format", "json", "docs", cwd=project))
    fix01 = next(f for f in payload["findings"] if f["rule"] == "FIX-01")
    assert fix01["waived"] == {"reason": "上年数据口径调整，占比按调整后口径列示", "approved_by": "李科长"}
    assert payload["summary"]["waived"] == 1 and payload["summary"]["error"] == 0


def test_waiver_by_glob_and_pointer(project):
    waivers(
        project,
        "- {document: 'docs/*.json', rule: FIX-02, pointer: /narrative/fiscal_appropriation/items/2/amount,"
        " reason: 冲减以前年度多列支出}\n",
    )
    payload = as_json(run("check", "--format", "json", "docs", cwd=project))
    fix02 = {f["pointer"]: f["waived"] for f in payload["findings"] if f["rule"] == "FIX-02"}
    assert fix02["/narrative/fiscal_appropriation/items/2/amount"] == {
        "reason": "冲减以前年度多列支出",
        "approved_by": None,
    }
    assert fix02["/narrative/fiscal_appropriation/items/1/amount"] is None


def test_unmatched_and_expired_waivers_are_findings_at_their_line(project):
    path = waivers(
        project,
        "# waivers\n"
        "- document: docs/unit-b.json\n  rule: FIX-01\n  reason: 不会匹配\n"
        "- document: docs/unit-a.json\n  rule: FIX-01\n  reason: 已过期\n  expires: 2000-01-01\n"
        "- document: docs/nope-*.json\n  rule: FIX-01\n  reason: 文件名写错\n",
    )
    proc = run("check", "--waivers", str(path), "docs", cwd=project)
    assert proc.returncode == 1  # the expired waiver no longer waives the FIX-01 error
    lines = [x for x in proc.stdout.splitlines() if " waiver " in x]
    shown = path.name  # shown relative to the working folder
    assert lines[0].startswith(f"{shown}:2:3: warning waiver 豁免未匹配任何问题（FIX-01 docs/unit-b.json）")
    assert lines[1].startswith(f"{shown}:5:3: warning waiver 豁免已于 2000-01-01 到期")
    assert lines[2].startswith(f"{shown}:9:3: warning waiver 豁免所指文件不存在")
    assert (
        " error FIX-01 " in proc.stdout
        and "[waived" not in proc.stdout.split(" error FIX-01 ")[1].split("\n")[0]
    )


def test_a_waiver_for_a_document_not_in_this_run_is_not_reported(project):
    waivers(project, "- {document: docs/unit-b.json, rule: FIX-01, reason: 只查 unit-a 时不评判}\n")
    proc = run("check", "docs/unit-a.json", cwd=project)
    assert " waiver " not in proc.stdout


@pytest.mark.parametrize(
    ("text", "place", "fragment"),
    [
        ("- {document: a.json, rule: FIX-01}\n", ":1:3: error: waiver 1: 'reason' is required", ""),
        (
            "- document: a.json\n  rule: FIX-01\n  reason: x\n  expires: 31/12/2025\n",
            ":4:3: error: waiver 1:",
            "YYYY-MM-DD",
        ),
        (
            "- document: a.json\n  rule: FIX-01\n  reason: x\n  approver: y\n",
            ":4:3: error: waiver 1:",
            "unknown key 'approver'",
        ),
        ("document: a.json\n", ":1:1: error: a waivers file is a list", ""),
    ],
)
def test_a_bad_waivers_file_exits_2_naming_the_place(project, text, place, fragment):
    path = waivers(project, text)
    proc = run("check", "docs", cwd=project)
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert err.startswith("budgetlint-waivers.yaml" + place), err
    assert fragment in err and len(err.splitlines()) == 1
    assert path.exists()


def test_baseline_reports_only_new_findings_and_counts_fixed(project):
    written = run("check", "--write-baseline", "baseline.json", "docs", cwd=project)
    assert written.returncode == 0, written.stderr
    assert "wrote 4 finding(s) to the baseline baseline.json" in written.stderr
    baseline = json.loads((project / "baseline.json").read_text(encoding="utf-8"))
    assert baseline["format"] == "budgetlint-baseline" and baseline["version"] == 2
    assert {e["file"] for e in baseline["findings"]} == {"docs/unit-a.json"}
    assert all("line" not in e for e in baseline["findings"])

    same = run("check", "--baseline", "baseline.json", "docs", cwd=project)
    assert same.returncode == 0
    assert same.stdout.splitlines()[-1] == (
        "No problems found in 2 files (4 in the baseline; 0 baseline entries fixed)."
    )

    # lines move (a reformatted file): still nothing new
    doc = project / "docs" / "unit-a.json"
    data = json.loads(doc.read_text(encoding="utf-8"))
    doc.write_text(json.dumps(data, ensure_ascii=False, indent=4), encoding="utf-8")
    moved = run("check", "--baseline", "baseline.json", "docs", cwd=project)
    assert moved.returncode == 0, moved.stdout

    # one defect fixed, one figure changed: FIX-02 on item 1 is new, and so is FIX-01, whose
    # pointer (the items list) now holds different values; three entries are fixed
    items = data["narrative"]["fiscal_appropriation"]["items"]
    items[2]["amount"] = 31.26  # FIX-02 on item 2 fixed
    items[1]["amount"] = -5  # FIX-02 on item 1: new value, new finding
    doc.write_text(json.dumps(data, ensure_ascii=False, indent=4), encoding="utf-8")
    changed = as_json(run("check", "--format", "json", "--baseline", "baseline.json", "docs", cwd=project))
    assert [(f["rule"], f["pointer"]) for f in changed["findings"]] == [
        ("FIX-01", "/narrative/fiscal_appropriation/items"),
        ("FIX-02", "/narrative/fiscal_appropriation/items/1/amount"),
    ]
    assert changed["summary"]["baseline"] == {"known": 1, "fixed": 3}


def test_a_missing_or_foreign_baseline_exits_2(project):
    proc = run("check", "--baseline", "nope.json", "docs", cwd=project)
    assert proc.returncode == 2 and proc.stderr.startswith("nope.json: error: no such baseline file")
    (project / "other.json").write_text('{"format": "something"}', encoding="utf-8")
    proc = run("check", "--baseline", "other.json", "docs", cwd=project)
    assert proc.returncode == 2 and "not a budgetlint baseline" in proc.stderr
