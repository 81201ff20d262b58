"""Issue 12, item 9: Ctrl-C during a parallel batch ends as the sequential run does — one line
"budgetlint: aborted", no worker noise or traceback, and the -o report left as it was.

The batch ends with a named pipe nobody writes to: reading it blocks, so the run is still going
when Ctrl-C lands, however fast the machine (a timing-based batch once finished first in CI)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE


def _interrupt(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run `budgetlint check ARGS`, and press Ctrl-C (SIGINT to the process group, as a terminal
    does) once the progress bar shows a checked document."""
    process = subprocess.Popen(
        [sys.executable, "-m", "budgetlint", "check", "--no-config", "--progress", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # Ctrl-C as a terminal gives it: a test run started in the background of a shell (or by a
        # CI runner) ignores SIGINT, and a child inherits that, so the signal would not land
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    seen = b""
    deadline = time.monotonic() + 60
    while b"documents" not in seen and time.monotonic() < deadline:
        chunk = os.read(process.stderr.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGINT)
    try:
        rest = process.communicate(timeout=60)[1]
    except subprocess.TimeoutExpired:  # not interrupted: fail, never hang the suite
        os.killpg(process.pid, signal.SIGKILL)
        rest = process.communicate()[1] + b"\n(still running 60 s after Ctrl-C: killed)"
    return process.returncode, (seen + rest).decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_in_a_batch_is_one_line(tmp_path: Path, jobs):
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(4):
        (docs / f"d{i:03}.json").write_bytes(SAMPLE.read_bytes())
    os.mkfifo(docs / "zz-never-written.json")  # sorted last: the batch blocks on it, never finishes
    report = tmp_path / "report.json"
    report.write_text("old report\n", encoding="utf-8")
    code, stderr = _interrupt(["-j", jobs, "--format", "json", "-o", str(report), str(docs)], tmp_path)
    lines = [line for line in stderr.replace("\r", "\n").splitlines() if line.strip()]
    assert code == 2
    assert lines[-1] == "budgetlint: aborted"
    assert not [line for line in lines if "documents" not in line and line != "budgetlint: aborted"]
    assert "Traceback" not in stderr and "ForkPoolWorker" not in stderr
    assert report.read_text(encoding="utf-8") == "old report\n"
