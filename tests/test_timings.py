"""`budgetlint check --timings`: each rule's cost on standard error, the report on stdout unchanged."""

from __future__ import annotations

import json
import re

import pytest

from budgetlint.engine import Settings
from budgetlint.loader import load_path
from budgetlint.profiles import applies
from budgetlint.resources import rules_dir
from budgetlint.rulebook import load_rulebook
from budgetlint.schema import load_schema
from budgetlint.timings import RuleTimings
from tests.conftest import ROOT, SAMPLE
from tests.conftest import run_cli as run

YAML_SAMPLE = ROOT / "samples" / "correct-unit-2024.yaml"
DOCS = [str(SAMPLE.relative_to(ROOT)), str(YAML_SAMPLE.relative_to(ROOT))]
ROW = re.compile(r"^(\S+(?: more\))?)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)%\s+(\d+)$")


def _rows(stderr: str) -> tuple[float, int, list[tuple]]:
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("rule timings: "))
    header = re.match(r"rule timings: (\d+) rules on (\d+) document\(s\), ([\d.]+) ms in all", lines[start])
    assert header, lines[start]
    rows = []
    for line in lines[start + 2 :]:
        m = ROW.match(line)
        assert m, line
        rows.append((m[1], float(m[2]), int(m[3]), float(m[4]), float(m[5]), int(m[6])))
    return float(header[3]), int(header[2]), rows


def _expected_calls() -> dict[str, int]:
    """Per rule id: on how many of DOCS it runs (its profiles apply to the document's)."""
    rulebook = load_rulebook([rules_dir()], load_schema())
    calls: dict[str, int] = {}
    for path in DOCS:
        profile = Settings().profile_of(load_path(str(ROOT / path)).data)
        for rule in rulebook.rules:
            if applies(rule.info.profiles, profile):
                calls[rule.info.id] = calls.get(rule.info.id, 0) + 1
    return calls


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_timings_list_every_rule_that_ran_and_leave_stdout_alone(fmt):
    plain = run("check", "--format", fmt, *DOCS)
    timed = run("check", "--format", fmt, "--timings", "--timings-top", "0", *DOCS)
    assert timed.returncode == plain.returncode == 1
    assert timed.stdout == plain.stdout  # the report is unchanged; the timings are on stderr
    if fmt == "json":
        json.loads(timed.stdout)
    assert "rule timings" not in timed.stdout
    total, documents, rows = _rows(timed.stderr)
    assert documents == 2
    expected = _expected_calls()
    assert {r[0]: r[2] for r in rows} == expected  # every rule that ran, once per document it ran on
    # the numbers add up: rows to the total (each printed to 0.001 ms), shares to 100 %
    assert sum(r[1] for r in rows) == pytest.approx(total, abs=0.001 * len(rows) + 0.001)
    assert sum(r[4] for r in rows) == pytest.approx(100, abs=0.05 * len(rows))
    assert [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)  # the costliest first
    for _, ms, calls, per_call, _, _ in rows:
        assert per_call == pytest.approx(ms / calls, abs=0.002)
    if fmt == "json":  # hits: the findings each rule gave (before waivers; there are none here)
        findings = json.loads(timed.stdout)["findings"]
        by_rule = {r[0]: r[5] for r in rows}
        for rule_id in by_rule:
            assert by_rule[rule_id] == sum(1 for f in findings if f["rule"] == rule_id)


def test_timings_top_n_sums_the_rest_and_jobs_run_serially():
    plain = run("check", "--format", "json", *DOCS)
    timed = run("check", "--format", "json", "--timings", "--timings-top", "5", "--jobs", "2", *DOCS)
    assert timed.stdout == plain.stdout
    total, documents, rows = _rows(timed.stderr)
    assert documents == 2 and "checked serially" in timed.stderr
    assert len(rows) == 6 and rows[-1][0] == f"({len(_expected_calls()) - 5} more)"
    assert sum(r[2] for r in rows) == sum(_expected_calls().values())
    assert sum(r[1] for r in rows) == pytest.approx(total, abs=0.001 * len(rows) + 0.001)


def test_rule_timings_merge_adds_up():
    a, b = RuleTimings(), RuleTimings()
    a.documents, b.documents = 1, 2
    a.add("X-01", 0.002, 1)
    b.add("X-01", 0.001, 0)
    b.add("X-01", 0.001, 2)
    b.add("Y-01", 0.010, 0)
    a.merge(b)
    assert a.documents == 3
    assert a.ranked() == [("Y-01", 0.010, 1, 0), ("X-01", pytest.approx(0.004), 3, 3)]
    assert a.total() == pytest.approx(0.014)
    lines = a.lines(top=1)
    assert lines[2].split()[0] == "Y-01" and lines[3].split()[:3] == ["(1", "more)", "4.000"]
