"""Nothing lost, nothing forged: output files never replace an input and appear whole or not at all;
document text, file names and waivers reach the terminal, the CI log or the XML with every control
character written out."""

from __future__ import annotations

import json
import os
import shutil
import stat
import xml.etree.ElementTree as ET

import pytest

from budgetlint.atomic import AtomicWriter, write_text
from budgetlint.report.printable import json_printable, printable
from tests.conftest import ROOT, SAMPLE
from tests.conftest import run_cli as run

FORGED = "\nx.json:1:1: error FORGED-01 forged"
FIXTURE_RULES = ROOT / "tests" / "fixtures" / "rules"
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2028")  # never raw in any output meant to be displayed


@pytest.fixture
def doc(tmp_path):
    path = tmp_path / "doc.json"
    shutil.copy(SAMPLE, path)
    return path


def clean_exit_2(proc) -> str:
    assert proc.returncode == 2, (proc.stdout[-500:], proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


# --- an output file is never an input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "output", "inputs"),
    [
        ("-o", "doc.json", ["doc.json"]),
        ("-o", "./x/../doc.json", ["doc.json"]),  # another spelling of the same path
        ("-o", "docs/doc.json", ["docs"]),  # found in a folder
        ("-o", "docs/doc.json", ["docs/*.json"]),  # found by a glob budgetlint expands itself
        ("--write-baseline", "doc.json", ["doc.json"]),
        ("--write-baseline", "./x/../doc.json", ["doc.json"]),
        ("--write-baseline", "docs/doc.json", ["docs"]),
    ],
)
def test_an_output_that_is_an_input_is_refused_and_the_input_left_as_it_was(tmp_path, option, output, inputs):
    (tmp_path / "x").mkdir()
    (tmp_path / "docs").mkdir()
    shutil.copy(SAMPLE, tmp_path / "doc.json")
    shutil.copy(SAMPLE, tmp_path / "docs" / "doc.json")
    before = SAMPLE.read_bytes()
    proc = run("check", "--no-config", option, output, *inputs, cwd=tmp_path)
    line = clean_exit_2(proc)
    assert "would overwrite the document" in line, line
    assert proc.stdout == ""  # refused before anything was checked or written
    assert (tmp_path / "doc.json").read_bytes() == before
    assert (tmp_path / "docs" / "doc.json").read_bytes() == before
    assert sorted(os.listdir(tmp_path / "docs")) == ["doc.json"]  # no temporary file left behind


def test_a_symlink_to_an_input_is_the_input(tmp_path, doc):
    (tmp_path / "link.json").symlink_to(doc)
    before = doc.read_bytes()
    line = clean_exit_2(run("check", "--no-config", "-o", "link.json", "doc.json", cwd=tmp_path))
    assert "would overwrite the document doc.json" in line
    assert doc.read_bytes() == before and (tmp_path / "link.json").is_symlink()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["-o", "out.json", "--write-baseline", "./out.json"], "is the same file as -o/--output out.json"),
        (["--baseline", "base.json", "-o", "base.json"], "would overwrite the baseline base.json"),
        (["--baseline", "base.json", "--write-baseline", "base.json"], "would overwrite the baseline"),
        (["--waivers", "waivers.yaml", "-o", "waivers.yaml"], "would overwrite the waivers file"),
        (["--waivers", "waivers.yaml", "--write-baseline", "waivers.yaml"], "would overwrite the waivers"),
        (["--config", "budgetlint.toml", "-o", "budgetlint.toml"], "would overwrite the config file"),
        (["--rules", "rules", "-o", "rules/local.rules"], "would overwrite the rule file"),
    ],
)
def test_an_output_that_is_another_file_of_the_run_is_refused(tmp_path, doc, args, fragment):
    files = {
        "base.json": '{"format": "budgetlint-baseline", "version": 1, "findings": []}\n',
        "waivers.yaml": "[]\n",
        "budgetlint.toml": "fail-on = 'error'\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "rules").mkdir()
    rule = (FIXTURE_RULES / "fixture.rules").read_text(encoding="utf-8")
    (tmp_path / "rules" / "local.rules").write_text(rule, encoding="utf-8")
    line = clean_exit_2(run("check", *args, "doc.json", cwd=tmp_path))
    assert fragment in line, line
    for name, text in files.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text
    assert (tmp_path / "rules" / "local.rules").read_text(encoding="utf-8") == rule
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
def test_an_output_in_a_missing_folder_is_one_clear_message(tmp_path, doc, option):
    line = clean_exit_2(run("check", "--no-config", option, "no/such/dir/x", "doc.json", cwd=tmp_path))
    shown = "-o/--output" if option == "-o" else option
    assert line == f"budgetlint: {shown} no/such/dir/x: no such folder: no/such/dir"
    assert not (tmp_path / "no").exists()


def test_an_output_name_too_long_is_one_clear_message(tmp_path, doc):
    line = clean_exit_2(run("check", "--no-config", "-o", "a" * 300, "doc.json", cwd=tmp_path))
    assert line.startswith("budgetlint: cannot write the report to aaa") and "name too long" in line.lower()


def test_a_report_and_a_baseline_are_written_whole(tmp_path, doc):
    (tmp_path / "report.json").write_text("old", encoding="utf-8")
    proc = run("check", "--no-config", "--format", "json", "-o", "report.json", "--write-baseline",
               "base.json", "doc.json", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    baseline = json.loads((tmp_path / "base.json").read_text(encoding="utf-8"))
    assert report["summary"]["findings"] == sum(e.get("count", 1) for e in baseline["findings"]) > 0
    assert sorted(os.listdir(tmp_path)) == ["base.json", "doc.json", "report.json"]
    # the same document checked against the baseline it wrote: the baseline may be read while -o writes
    again = run(
        "check", "--no-config", "--baseline", "base.json", "-o", "report.txt", "doc.json", cwd=tmp_path
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("No problems found")


def test_dev_null_stays_a_device(tmp_path, doc):
    if not os.path.exists(os.devnull) or os.name != "posix":
        pytest.skip("POSIX only")
    proc = run("check", "--no-config", "-o", os.devnull, "doc.json", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# --- atomic writes ------------------------------------------------------------------------------


def test_a_failing_writer_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "report.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    with pytest.raises(RuntimeError), AtomicWriter(target) as fh:
        fh.write('{"new": ')
        fh.flush()
        raise RuntimeError("the renderer failed midway")
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert os.listdir(tmp_path) == ["report.json"]


def test_an_interrupted_writer_leaves_no_file_where_there_was_none(tmp_path):
    target = tmp_path / "report.json"
    with pytest.raises(KeyboardInterrupt), AtomicWriter(target) as fh:
        fh.write("half")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_write_text_replaces_whole_and_keeps_the_permissions(tmp_path):
    target = tmp_path / "baseline.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text(target, "new 新\n")
    assert target.read_text(encoding="utf-8") == "new 新\n"
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["baseline.json"]


def test_write_text_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


def test_a_report_that_fails_midway_leaves_the_old_report(tmp_path, doc, monkeypatch):
    from click.testing import CliRunner

    from budgetlint.cli import cli
    from budgetlint.report.json_format import JsonReporter

    def broken(self, name, items, document=True):
        self.out.write('\n    {"file": "half')
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(JsonReporter, "file", broken)
    report = tmp_path / "report.json"
    report.write_text('{"old": true}\n', encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["check", "--no-config", "--format", "json", "-o", str(report), str(doc)]
    )
    assert isinstance(result.exception, RuntimeError)
    assert report.read_text(encoding="utf-8") == '{"old": true}\n'
    assert sorted(os.listdir(tmp_path)) == ["doc.json", "report.json"]


# --- control characters -------------------------------------------------------------------------


def test_printable_writes_out_every_control_character():
    assert printable("a\nb\r\tc") == "a\\nb\\r\\tc"
    assert printable("\x00\x1b[31m\x07\x7f\x85\x9b") == "\\x00\\x1b[31m\\x07\\x7f\\x85\\x9b"
    assert printable("\u2028\u2029\u202a\u202e\u2066\u2069") == "\\u2028\\u2029\\u202a\\u202e\\u2066\\u2069"
    assert printable("寻乌县 50% «ok» \\ é") == "寻乌县 50% «ok» \\ é"  # nothing else changes
    assert printable("a\nb\x1b", keep="\n") == "a\nb\\x1b"


def test_json_printable_is_lossless():
    value = {"m": "a\x1b\x7f\x9b\u202e\u2028b\n"}
    text = json_printable(json.dumps(value, ensure_ascii=False, indent=2))
    assert not any(c in text for c in (*RAW, "\x7f"))
    assert json.loads(text) == value


@pytest.fixture
def forged(tmp_path):
    """The seed with document text that tries to forge a finding line and to colour the terminal."""
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    evil = FORGED + "\x1b[31m\x07\x9b\u202e\u2028"
    data["entity"]["name"] += evil
    data["title"]["text"] += evil
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def outputs(path, *extra):
    return {
        fmt: run("check", "--no-config", "--format", fmt, *extra, path.name, cwd=path.parent)
        for fmt in ("text", "json", "sarif", "github", "junit")
    }


def test_document_text_cannot_forge_a_line_or_reach_the_terminal(forged):
    out = outputs(forged, "--color", "always")
    findings = json.loads(out["json"].stdout)["findings"]
    assert any("FORGED-01" in f["message"] for f in findings)  # the text reached the messages …
    assert any("\x1b[31m" in f["message"] for f in findings)  # … unchanged in JSON, once parsed

    text = out["text"].stdout.splitlines()
    assert len(text) == len(findings) + 1  # one line per finding and the summary, not one more
    assert not any(line.startswith("x.json") for line in text)
    assert any(
        "\\nx.json:1:1: error FORGED-01 forged\\x1b[31m\\x07\\x9b\\u202e\\u2028" in line for line in text
    )
    assert all(line.startswith("doc.json:") for line in text[:-1])

    for fmt, proc in out.items():
        assert proc.returncode == 1, (fmt, proc.stderr)
        body = proc.stdout
        if fmt == "text":  # the severity colours asked for with --color always, nothing else
            body = body.replace("\x1b[31m", "", body.count("\x1b[31merror")).replace("\x1b[0m", "")
            for code in ("\x1b[33m", "\x1b[36m", "\x1b[2m"):
                body = body.replace(code, "")
        assert not any(c in body for c in RAW), fmt
        assert "\nx.json" not in body, fmt

    github = out["github"].stdout.splitlines()
    assert len(github) == len(findings) + 1 and all(line.startswith("::") for line in github[:-1])
    suites = ET.fromstring(out["junit"].stdout)  # valid XML
    assert "FORGED-01" in ET.tostring(suites, encoding="unicode")
    json.loads(out["sarif"].stdout)


def test_a_file_name_with_control_characters_is_written_out(tmp_path):
    if os.name != "posix":
        pytest.skip("file names with newlines: POSIX only")
    name = "evil\x1b[2J\nx.json:1:1: error FORGED-01 forged.json"
    shutil.copy(SAMPLE, tmp_path / name)
    out = outputs(tmp_path / name)
    text = out["text"].stdout.splitlines()
    n = json.loads(out["json"].stdout)["summary"]["findings"]
    assert len(text) == n + 1
    assert all(
        line.startswith("evil\\x1b[2J\\nx.json:1:1: error FORGED-01 forged.json:") for line in text[:-1]
    )
    for fmt, proc in out.items():
        assert not any(c in proc.stdout for c in RAW), fmt
    ET.fromstring(out["junit"].stdout)
    broken = tmp_path / "bad\x1b]0;title\x07.json"
    broken.write_text("{", encoding="utf-8")
    proc = run("check", "--no-config", broken.name, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("bad\\x1b]0;title\\x07.json:") and "\x1b" not in proc.stderr


def test_waiver_reasons_are_written_out(tmp_path, forged):
    findings = json.loads(outputs(forged)["json"].stdout)["findings"]
    rule = findings[0]["rule"]
    reason = "ok\nx.json:1:1: error FORGED-01 forged\x1b[31m"
    waivers = [{"document": "doc.json", "rule": rule, "reason": reason}]
    (tmp_path / "w.yaml").write_text(json.dumps(waivers), encoding="utf-8")
    out = outputs(forged, "--waivers", "w.yaml")
    assert len(out["text"].stdout.splitlines()) == len(findings) + 1
    for fmt, proc in out.items():
        assert not any(c in proc.stdout for c in RAW), fmt
    ET.fromstring(out["junit"].stdout)
