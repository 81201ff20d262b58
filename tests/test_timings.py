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


def test_timings_top_n_sums_the_rest():
    plain = run("check", "--format", "json", *DOCS)
    timed = run("check", "--format", "json", "--timings", "--timings-top", "5", "--jobs", "2", *DOCS)
    assert timed.stdout == plain.stdout
    total, documents, rows = _rows(timed.stderr)
    assert documents == 2 and "serially" not in timed.stderr
    assert len(rows) == 6 and rows[-1][0] == f"({len(_expected_calls()) - 5} more)"
    assert sum(r[2] for r in rows) == sum(_expected_calls().values())
    assert sum(r[1] for r in rows) == pytest.approx(total, abs=0.001 * len(rows) + 0.001)


# three documents every built-in rule applies to (their profiles take in every rule)
SEVERAL = [*DOCS, "samples/correct-department-2024.json"]


def test_timings_under_jobs_are_measured_in_the_workers_and_summed():
    """--jobs 2: each worker measures the documents it checks and returns the figures with their
    results; the parent prints one table, every rule once, calls = rules × documents."""
    rules = [r.info.id for r in load_rulebook([rules_dir()], load_schema()).rules]
    serial = run("check", "--format", "json", "--timings", "--timings-top", "0", "--jobs", "1", *SEVERAL)
    timed = run("check", "--format", "json", "--timings", "--timings-top", "0", "--jobs", "2", *SEVERAL)
    assert timed.returncode == serial.returncode == 1
    assert timed.stdout == serial.stdout
    assert timed.stderr.count("rule timings: ") == 1
    assert "serially" not in timed.stderr
    total, documents, rows = _rows(timed.stderr)
    assert documents == len(SEVERAL)
    assert sorted(r[0] for r in rows) == sorted(rules)  # every rule, listed once
    assert all(r[2] == len(SEVERAL) for r in rows)
    assert sum(r[2] for r in rows) == len(rules) * len(SEVERAL)
    assert sum(r[1] for r in rows) == pytest.approx(total, abs=0.001 * len(rows) + 0.001)
    # the hits are the findings, whichever process found them
    findings = json.loads(timed.stdout)["findings"]
    assert {r[0]: r[5] for r in rows} == {
        rule: sum(1 for f in findings if f["rule"] == rule) for rule in rules
    }
    assert {r[0]: (r[2], r[5]) for r in rows} == {r[0]: (r[2], r[5]) for r in _rows(serial.stderr)[2]}


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_a_worker_returns_each_documents_timings_with_its_result(start_method):
    """Forked (the parent's rulebook) or spawned (rebuilt from the recipe, the figures pickled back)."""
    import multiprocessing

    from budgetlint import batch, engine

    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {start_method} here")
    rulebook = load_rulebook([rules_dir()], load_schema())
    recipe = batch.Recipe((), True, None, None, None, False, timings=True)
    sources = [batch.Source(path, str(ROOT / path)) for path in SEVERAL]
    results = list(batch.run(sources, recipe, rulebook, jobs=2, start_method=start_method))
    assert engine.TIMINGS is None  # nothing left installed in the parent
    summed = RuleTimings()
    for result in results:
        assert result.error is None and isinstance(result.timings, RuleTimings)
        assert result.timings.documents == 1
        assert sum(result.timings.hits.values()) == len(result.findings)
        summed.merge(result.timings)
    assert summed.documents == len(SEVERAL)
    assert set(summed.calls) == {r.info.id for r in rulebook.rules}
    assert set(summed.calls.values()) == {len(SEVERAL)}


def test_without_timings_nothing_is_measured():
    from budgetlint import batch

    rulebook = load_rulebook([rules_dir()], load_schema())
    recipe = batch.Recipe((), True, None, None, None, False)
    [result] = batch.run([batch.Source(DOCS[0], str(ROOT / DOCS[0]))], recipe, rulebook)
    assert result.timings is None and result.findings


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
