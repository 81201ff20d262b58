"""Issue 12, "clear messages, not internal errors": bad baseline and config shapes, waivers that
name absolute globs or come by the hundred thousand, very long paths, a rule file not *.rules."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from budgetlint.findings import Finding
from budgetlint.waivers import Waiver, Waivers
from tests.conftest import SAMPLE, run_cli


def _clear(result, *expected: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    for text in expected:
        assert text in result.stderr


HEAD = '{"format": "budgetlint-baseline", "version": 1, '
ENTRY = '"file": "a.json", "rule": "R", "pointer": "", "hash": "h"'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD + '"findings": 5}', '"findings" must be a list'),
        (HEAD + '"findings": [{' + ENTRY + ', "count": 1e400}]}', "must be a whole number"),
        (HEAD + '"findings": [{' + ENTRY + ', "count": 1' + "0" * 5000 + "}]}", "findings[0]: count"),
        (HEAD + '"findings": [{' + ENTRY + ', "count": -2}]}', "findings[0]: count"),
        (HEAD + '"findings": [{' + ENTRY + ', "count": 1.5}]}', "findings[0]: count"),
        (HEAD + '"findings": [{"file": ["a"], "rule": "R", "pointer": "", "hash": "h"}]}', "findings[0]"),
        (HEAD + '"findings": [7]}', "findings[0]"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"format": "budgetlint-baseline", "version": 1e999999999}', "1E+999999999 is not supported"),
    ],
)
def test_bad_baseline_shapes_are_one_clear_message(tmp_path: Path, text, message):
    baseline = tmp_path / "b.json"
    baseline.write_text(text, encoding="utf-8")
    _clear(run_cli("check", "--no-config", "--baseline", str(baseline), str(SAMPLE)), "b.json", message)


def test_a_good_baseline_still_loads(tmp_path: Path):
    baseline = tmp_path / "b.json"
    baseline.write_text(HEAD + '"findings": [{' + ENTRY + ', "count": 3}]}', encoding="utf-8")
    result = run_cli("check", "--no-config", "--baseline", str(baseline), str(SAMPLE))
    assert result.returncode == 1


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("pyproject.toml", "[tool]\nbudgetlint = 1\n", "tool.budgetlint: expected a table"),
        ("budgetlint.toml", "select = " + "[" * 2000 + '"A"' + "]" * 2000 + "\n", "nested too deeply"),
        ("budgetlint.toml", "select = " + "[" * 50 + '"A"' + "]" * 50 + "\n", "expected a list of non-empty"),
    ],
)
def test_bad_config_shapes_are_one_clear_message(tmp_path: Path, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    _clear(run_cli("check", str(SAMPLE), cwd=tmp_path), message)


def test_a_waiver_with_an_absolute_glob_is_reported_not_a_crash(tmp_path: Path):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("- document: /nowhere/*.json\n  rule: PCT-01\n  reason: r\n", encoding="utf-8")
    result = run_cli("check", "--no-config", "--waivers", str(waivers), str(SAMPLE))
    assert result.returncode == 1
    assert "豁免所指文件不存在（PCT-01 /nowhere/*.json）" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("Found ")


class _CountingList(list):
    """A list that counts how many of its elements are read."""

    reads = 0

    def __getitem__(self, i):
        _CountingList.reads += 1
        return super().__getitem__(i)


def test_a_hundred_thousand_waivers_are_matched_without_reading_each(tmp_path: Path):
    entries = _CountingList(
        Waiver(i, 1, f"docs/unit-{i}.json", f"R-{i % 50}", None, "r") for i in range(100_000)
    )
    entries.append(Waiver(0, 1, "docs/*.json", "R-7", "/a", "r"))
    waivers = Waivers(tmp_path / "w.yaml", "w.yaml", entries, date(2024, 1, 1))
    _CountingList.reads = 0
    for n in range(20):
        doc = str(tmp_path / "docs" / f"other-{n}.json")
        waivers.mark_checked(doc)
        for k in range(200):
            waivers.find(doc, Finding(doc, 1, 1, f"R-{k % 50}", "error", "m", "/a"))
    # 4,000 findings, each reading only the waivers that name its document (the glob), not the
    # 2,000 of its rule: the cost does not grow with the waivers file (no timed assertion: a
    # loaded machine cannot fail it)
    assert _CountingList.reads <= 4_000 * 2
    assert len(waivers.problems()) == 100_000  # none names a file; the glob waived the R-7s
    assert entries[-1].used == 80


@pytest.mark.parametrize(
    "option",
    [[], ["--config"], ["--waivers"], ["--baseline"], ["-o"], ["--write-baseline"]],
)
def test_very_long_paths_are_one_clear_message(option):
    long = "a" * 5000 + ".json"
    args = [*option, long, str(SAMPLE)] if option else [long]
    result = run_cli("check", *(["--no-config"] if "--config" not in option else []), *args)
    assert result.returncode == 2
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "too long" in result.stderr


def test_a_rule_file_not_named_rules_is_refused(tmp_path: Path):
    other = tmp_path / "mine.txt"
    other.write_text('rule X-1 { title "t" }', encoding="utf-8")
    _clear(
        run_cli("check", "--no-config", "--rules", str(other), str(SAMPLE)),
        "mine.txt: not a rule file (a rule file's name ends in .rules)",
    )


def test_a_rule_file_listed_in_the_config_that_is_not_rules_is_refused(tmp_path: Path):
    (tmp_path / "mine.txt").write_text("", encoding="utf-8")
    (tmp_path / "budgetlint.toml").write_text('rules = ["mine.txt"]\n', encoding="utf-8")
    _clear(run_cli("check", str(SAMPLE), cwd=tmp_path), "not a rule file")


def test_baseline_written_and_read_back(tmp_path: Path):
    baseline = tmp_path / "b.json"
    run_cli("check", "--no-config", "--write-baseline", str(baseline), str(SAMPLE))
    payload = json.loads(baseline.read_text(encoding="utf-8"))
    assert payload["findings"]
    assert run_cli("check", "--no-config", "--baseline", str(baseline), str(SAMPLE)).returncode == 0
