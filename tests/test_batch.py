"""Batches: folders, globs and standard input; --jobs gives the same report; progress on a terminal only."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from budgetlint.batch import Progress, discover
from tests.test_report_formats import FIXTURES, run

ARGS = ("--no-config", "--no-builtin-rules", "--rules", str(FIXTURES / "rules"))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """archive/2023/{a.json,b.json}, archive/2024/c.yml (YAML), plus files a batch must skip."""
    a = (FIXTURES / "docs" / "unit-a.json").read_text(encoding="utf-8")
    for rel in ("2023/a.json", "2023/b.json"):
        (tmp_path / "archive" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "archive" / rel).write_text(a, encoding="utf-8")
    (tmp_path / "archive" / "2024").mkdir()
    (tmp_path / "archive" / "2024" / "c.yml").write_text(a, encoding="utf-8")  # JSON is YAML
    (tmp_path / "archive" / "2024" / "notes.txt").write_text("not a document", encoding="utf-8")
    (tmp_path / "archive" / "2024" / "x.cases.yaml").write_text("[]", encoding="utf-8")
    (tmp_path / "archive" / ".git").mkdir()
    (tmp_path / "archive" / ".git" / "d.json").write_text("{", encoding="utf-8")
    return tmp_path


def names(proc) -> list[str]:
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)["files"]


def test_a_folder_recurses_into_documents_in_sorted_order(archive):
    proc = run("check", "--format", "json", *ARGS, "archive", cwd=archive)
    assert names(proc) == ["archive/2023/a.json", "archive/2023/b.json", "archive/2024/c.yml"]


def test_globs_expand_and_a_glob_matching_nothing_is_an_input_error(archive):
    proc = run("check", "--format", "json", *ARGS, "archive/**/*.json", cwd=archive)
    assert names(proc) == ["archive/2023/a.json", "archive/2023/b.json"]
    proc = run("check", *ARGS, "archive/*.xml", cwd=archive)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "archive/*.xml: error: no file matches this pattern"


def test_standard_input(archive):
    text = (archive / "archive" / "2023" / "a.json").read_text(encoding="utf-8")
    proc = run("check", *ARGS, "-", cwd=archive, stdin=text)
    assert proc.returncode == 1
    assert proc.stdout.startswith("<stdin>:12:5: info FIX-03 ")
    proc = run("check", *ARGS, "--stdin-filename", "unit.json", "-", cwd=archive, stdin="{bad")
    assert proc.returncode == 2 and proc.stderr.startswith("unit.json:1:2: error: invalid JSON")


def test_jobs_give_the_same_report_in_the_same_order(archive):
    for i in range(12):
        shutil.copy(archive / "archive" / "2023" / "a.json", archive / "archive" / f"copy-{i:02}.json")
    one = run("check", *ARGS, "archive", cwd=archive)
    two = run("check", "--jobs", "2", *ARGS, "archive", cwd=archive)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stdout.splitlines()[-1] == "Found 60 problems (15 errors, 30 warnings, 15 info) in 15 files."


def test_an_unreadable_document_in_a_batch_does_not_stop_it(archive):
    broken = '{"format": "budgetlint/department-budget@2", "a": 1,}'  # declares itself: it is judged
    (archive / "archive" / "2023" / "broken.json").write_text(broken, encoding="utf-8")
    proc = run("check", "--jobs", "2", *ARGS, "archive", cwd=archive)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("archive/2023/broken.json:1:53: error: invalid JSON")
    assert proc.stdout.splitlines()[-1].endswith("in 3 files (1 file could not be read).")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_for_long_batches():
    pipe = io.StringIO()
    bar = Progress(100, stream=pipe)
    for _ in range(100):
        bar.step()
    bar.close()
    assert pipe.getvalue() == ""
    tty = FakeTerminal()
    bar = Progress(100, stream=tty)
    for _ in range(100):
        bar.step()
    assert "100/100 documents" in tty.getvalue()
    short = FakeTerminal()
    Progress(3, stream=short).step()
    assert short.getvalue() == ""


def test_discover_reads_stdin_once():
    sources = discover(["-"], "x.yaml", stdin=io.BytesIO(b"a: 1\n"))
    assert [(s.name, s.path, s.data) for s in sources] == [("x.yaml", None, b"a: 1\n")]


def test_folder_walk_skips_expected_findings_files():
    from tests.conftest import ROOT

    found = [s.name for s in discover([str(ROOT / "samples" / "broken")])]
    assert found and all(n.endswith(".json") for n in found)


def test_spawned_workers_give_the_same_results_as_one_process(archive):
    # macOS and Windows have no fork: each worker loads the rulebook from the recipe itself.
    from budgetlint import batch
    from budgetlint.cli import load_rulebook_or_exit

    rulebook = load_rulebook_or_exit([str(FIXTURES / "rules")], builtin=False)
    recipe = batch.Recipe((str(FIXTURES / "rules"),), False, None, None, None, False)
    sources = batch.discover([str(archive / "archive")], None)
    alone = list(batch.run(sources, recipe, rulebook, jobs=1))
    spawned = list(batch.run(sources, recipe, rulebook, jobs=2, start_method="spawn"))
    assert [r.name for r in spawned] == [r.name for r in alone]
    assert [r.findings for r in spawned] == [r.findings for r in alone]
    assert sum(len(r.findings) for r in alone) > 0


def test_the_main_module_imported_by_a_spawned_worker_does_not_run_the_command_line(capsys):
    import runpy

    runpy.run_module("budgetlint", run_name="__mp_main__")  # what spawn does with `python -m`
    assert capsys.readouterr() == ("", "")
