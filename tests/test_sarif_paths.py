"""Issue 16, item 6: SARIF names files relative to the repository root (originalUriBaseIds
%SRCROOT%), as GitHub code scanning expects, whether budgetlint ran in a subfolder or was given an
absolute path."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, run_cli

FIXTURES = ROOT / "tests" / "fixtures"
ARGS = ("check", "--no-config", "--no-builtin-rules", "--rules", str(FIXTURES / "rules"), "--format", "sarif")


def _run(args, cwd):
    proc = run_cli(*ARGS, *args, cwd=cwd)
    run = json.loads(proc.stdout)["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    bases = {
        r["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId") for r in run["results"]
    }
    return run, uris, bases


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_paths_are_relative_to_the_repository_root(tmp_path):
    repo = tmp_path / "repo"
    (repo / "disclosures" / "2023").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    shutil.copy(FIXTURES / "docs" / "unit-a.json", repo / "disclosures" / "2023" / "x.json")
    expected = {"disclosures/2023/x.json"}
    for cwd, arg in (
        (repo / "disclosures" / "2023", "x.json"),  # cd sub && check x.json
        (repo / "disclosures", "2023"),
        (repo / "disclosures", str(repo / "disclosures" / "2023" / "x.json")),  # an absolute path
    ):
        run, uris, bases = _run([arg], cwd)
        assert uris == expected and bases == {"%SRCROOT%"}, (cwd, arg, uris)
        assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repo.resolve().as_uri() + "/"}}


def test_without_git_the_working_folder_is_the_root(tmp_path):
    shutil.copy(FIXTURES / "docs" / "unit-a.json", tmp_path / "x.json")
    run, uris, _ = _run(["x.json"], tmp_path)
    assert uris == {"x.json"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
