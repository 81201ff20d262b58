"""Issue 16, item 9: the library API (docs/api.md) — its examples run as written, and give what the
CLI gives; the Dask recipe runs on a local cluster when Dask is installed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.util import find_spec

import pytest

from tests.conftest import ROOT, run_cli

DOC = ROOT / "docs" / "api.md"


def _blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _run_python(code: str):
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )  # fmt: skip


@pytest.mark.parametrize("index", [0, 1])
def test_the_documented_examples_run(index):
    proc = _run_python(_blocks()[index])
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_api_gives_what_the_cli_gives():
    from budgetlint.api import Run

    path = "samples/xunwu-2023-social-insurance.json"
    got = Run.from_project(use_config=False).check_file(ROOT / path)
    cli = json.loads(run_cli("check", "--no-config", "--format", "json", path).stdout)["findings"]
    assert [(d.line, d.column, d.rule, d.message) for d in got] == [
        (f["line"], f["column"], f["rule"], f["message"]) for f in cli
    ]


@pytest.mark.skipif(
    find_spec("distributed") is None, reason="needs dask[distributed] (pip install '.[dask]')"
)
def test_the_dask_recipe_gives_the_findings_of_jobs():
    recipe = (
        _blocks()[2]
        + "\nimport json\nprint(json.dumps({p: [list(d) for d in f] for p, f in results.items()}))\n"
    )
    proc = _run_python(recipe)
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    cli = run_cli("check", "--no-config", "--jobs", "2", "--format", "json", "samples/broken/")
    expected: dict = {}
    for f in json.loads(cli.stdout)["findings"]:
        expected.setdefault(f["file"], []).append((f["line"], f["column"], f["rule"], f["message"]))
    got = {p: [(d[1], d[2], d[6], d[4]) for d in found] for p, found in results.items() if found}
    assert {p for p in got} == {p for p in expected if p.count("/") == 2}  # the recipe: top level only
    for p, found in got.items():
        assert found == expected[p], p


def test_the_loaders_do_not_import_each_other_and_workers_do_not_import_the_cli():
    """yamlload and loader share budgetlint.limits instead of importing each other; a worker
    builds its rulebook through the API (which raises), not the CLI (which exits)."""
    import ast

    def imports(module: str) -> set[str]:
        tree = ast.parse((ROOT / "budgetlint" / f"{module}.py").read_text(encoding="utf-8"))
        return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}

    assert "budgetlint.loader" not in imports("yamlload")
    assert "budgetlint.cli" not in imports("batch") and "budgetlint.cli" not in imports("api")
    from budgetlint.limits import InputError as Same
    from budgetlint.loader import InputError

    assert InputError is Same


def test_a_broken_config_or_rule_file_is_a_budgetlint_error(tmp_path):
    from budgetlint.api import BudgetlintError, Run, load_rulebook

    (tmp_path / "bad.rules").write_text("rule X-01 {\n  title 1\n}\n", encoding="utf-8")
    with pytest.raises(BudgetlintError) as info:
        load_rulebook([tmp_path / "bad.rules"])
    assert info.value.diagnostics[0].rule == "rule-file" and info.value.diagnostics[0].line == 2
    (tmp_path / "budgetlint.toml").write_text("fail_on = 'x'\n", encoding="utf-8")
    with pytest.raises(BudgetlintError) as info:
        Run.from_project(start=tmp_path)
    assert info.value.diagnostics[0].rule == "config" and "fail_on" in info.value.diagnostics[0].message
