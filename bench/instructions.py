"""Instructions per document for the rule pipeline, counted by valgrind (repeatable, unlike time).

    python bench/instructions.py [--docs N] [--cold]

Runs the pipeline once to warm up and then N more times under `valgrind --tool=callgrind`, and
again with 0 more times; the difference divided by N is the cost of one document, independent of
how busy the machine is. Needs valgrind on PATH.

--cold also counts a whole `budgetlint check` of the seed against `python -c "import click"`,
both with compiled modules and the rule cache filled (as bench/pipeline.py times them). The ratio
of instructions is not the ratio of wall times (starting a process also waits for the disk and
the dynamic loader), but it moves with every change of ours and not with the machine's load.
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORKLOAD = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from budgetlint.engine import rule_findings
from budgetlint.loader import load_bytes
from budgetlint.resources import rules_dir
from budgetlint.rulebook import load_rulebook
from budgetlint.schema import load_schema, validate
rulebook = load_rulebook([rules_dir()], load_schema())
# the collector as `budgetlint check` sets it (budgetlint/cli.py): without this, whether a full
# collection of the rulebook's objects falls in the counted run or the empty one moved the
# figure by ±20 M
import gc
from budgetlint.cli import GC_THRESHOLDS
gc.set_threshold(*GC_THRESHOLDS)
gc.freeze()
raw = Path({sample!r}).read_bytes()
def once():
    doc = load_bytes(raw, "seed")
    if not validate(doc.data):
        rule_findings(doc, rulebook)
once()
for _ in range(int(sys.argv[1])):
    once()
"""


SCRIPT = WORKLOAD.format(root=str(ROOT), sample=str(ROOT / "samples" / "xunwu-2023-social-insurance.json"))
# Not a pyenv shim (a shell script): valgrind must run the interpreter itself. But a virtual
# environment's python is kept as it is: resolving its symlink would run the base interpreter,
# without the environment's packages (python-jsonschema instead of jsonschema-rs, 4x the count).
PYTHON = sys.executable if sys.prefix != sys.base_prefix else os.path.realpath(sys.executable)


def instructions(docs: int) -> int:
    return _count([PYTHON, "-c", SCRIPT, str(docs)])


def _count(command: list[str], env: dict | None = None, check: bool = True) -> int:
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        check=check,
        env=env,
        cwd=ROOT,
    )
    return int(re.search(r"Collected : (\d+)", proc.stderr).group(1))


def cold() -> None:
    check = [PYTHON, "-m", "budgetlint", "check", "samples/xunwu-2023-social-insurance.json"]
    baseline = [PYTHON, "-c", "import click"]
    with tempfile.TemporaryDirectory() as pycache:
        # as in bench/pipeline.py: compiled modules, as an installed package has them
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = pycache
        for command in (check, baseline):  # fills the .pyc files and the rule cache
            subprocess.run(command, capture_output=True, env=env, cwd=ROOT)
        ours = _count(check, env, check=False)  # exit 1: the seed has findings
        theirs = _count(baseline, env)
    print(f"cold `budgetlint check`: {ours / 1e6:.0f} M instructions, `import click`: {theirs / 1e6:.0f} M")
    print(f"  ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10)
    parser.add_argument("--cold", action="store_true", help="also count a cold `budgetlint check`")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    # A rule cache of this run's own: the shared one is rewritten by any other budgetlint run
    # (another checkout's rules), and the two counted runs must both find the rulebook cached.
    # Once outside valgrind first, so that the rule files are parsed and cached then.
    private_cache = tempfile.mkdtemp(prefix="budgetlint-bench-cache-")
    atexit.register(shutil.rmtree, private_cache, ignore_errors=True)
    os.environ["BUDGETLINT_CACHE_DIR"] = private_cache
    subprocess.run([PYTHON, "-c", SCRIPT, "0"], check=True)
    base, loaded = instructions(0), instructions(args.docs)
    print(f"{(loaded - base) / args.docs / 1e6:.1f} M instructions per document (load + validate + rules)")
    if args.cold:
        cold()
