"""The cache of parsed rule files: same ASTs back, pruned to the most recently used, never trusted
when unreadable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from budgetlint.dsl import ast, cache
from budgetlint.resources import rules_dir
from budgetlint.rulebook import parse_files, rule_files


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("BUDGETLINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BUDGETLINT_NO_CACHE", raising=False)
    return tmp_path


def test_a_second_parse_comes_from_the_cache_and_is_the_same(cache_dir):
    files = rule_files([rules_dir()])
    first, problems = parse_files(files)
    assert not problems
    [entry] = cache_dir.glob("*.pickle")
    again, _ = parse_files(files)
    assert again == first
    rule = again[1].rules[0]
    assert type(rule) is ast.Rule and type(rule.span) is ast.Span
    first_rule_line = next(
        n for n, line in enumerate(Path(rule.span.file).read_text(encoding="utf-8").splitlines(), 1)
        if line.startswith("rule ")
    )  # fmt: skip
    assert str(rule.span).endswith(f"arithmetic.rules:{first_rule_line}:6")
    assert [e.name for e in cache_dir.glob("*.pickle")] == [entry.name]


def test_an_unreadable_entry_is_parsed_again(cache_dir):
    files = rule_files([rules_dir()])
    first, _ = parse_files(files)
    [entry] = cache_dir.glob("*.pickle")
    entry.write_bytes(b"not a pickle")
    again, problems = parse_files(files)
    assert not problems and again == first


def test_only_the_most_recently_used_entries_are_kept(cache_dir, tmp_path):
    rule = 'rule X-{n} {{ title "t" title_en "t" severity info basis "b" assert true message "m" }}\n'
    for n in range(cache.KEEP + 3):
        path = tmp_path / "rules" / "x.rules"
        path.parent.mkdir(exist_ok=True)
        path.write_text(rule.format(n=n), encoding="utf-8")
        parse_files([path])
        for i, entry in enumerate(sorted(cache_dir.glob("*.pickle"), key=lambda p: p.stat().st_mtime)):
            os.utime(entry, (i, i))  # strictly ordered, whatever the file system's time resolution
    assert len(list(cache_dir.glob("*.pickle"))) == cache.KEEP


def test_no_cache_when_switched_off(cache_dir, monkeypatch):
    monkeypatch.setenv("BUDGETLINT_NO_CACHE", "1")
    parse_files(rule_files([rules_dir()]))
    assert list(cache_dir.glob("*.pickle")) == []
