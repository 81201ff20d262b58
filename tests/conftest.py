"""Shared fixtures: the repository paths, the seed sample and the built-in rulebook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "xunwu-2023-social-insurance.json"


@pytest.fixture(scope="session")
def rulebook():
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema

    return load_rulebook([rules_dir()], load_schema())


@pytest.fixture
def sample_data():
    return json.loads(SAMPLE.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)


def run_cli(*args: str, cwd: Path = ROOT, stdin: str | None = None, env: dict | None = None):
    """`python -m budgetlint ARGS` as a user runs it, from this checkout."""
    return subprocess.run(
        [sys.executable, "-m", "budgetlint", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def sample_texts(printed: bool = False) -> set[str]:
    """Every text (keys and values) of every sample document under samples/; with printed, also
    each line of the printed documents (.txt) the samples were transcribed from. For the
    differential tests of text builtins: real prose to compare an implementation on."""
    from budgetlint.loader import load_path

    texts: set[str] = set()
    for path in sorted((ROOT / "samples").rglob("*")):
        if path.suffix in (".json", ".yaml") and "expected" not in path.name:
            texts.update(_strings(load_path(path).data))
        elif printed and path.suffix == ".txt":
            texts.update(path.read_text(encoding="utf-8").split("\n"))
    return texts
