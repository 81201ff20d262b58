"""Benchmark a batch: N documents (copies and variants of the seed) in one `budgetlint check --jobs J`.

    python bench/batch.py [--sizes 100 1000] [--jobs 2] [--format json]

For each size, writes N documents to a temporary folder (a third as YAML; every document with a
few figures changed, so findings differ), then runs the check in a fresh interpreter and reports
wall time and peak RSS (resource.getrusage) of the parent process and of its worker processes
(RUSAGE_CHILDREN: the largest worker). Peak memory must not grow with N: findings are reported
per document as they come, and no document outlives its result.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "xunwu-2023-social-insurance.json"

RUNNER = """
import os, resource, sys, time
sys.argv = ["budgetlint", *sys.argv[1:]]
from budgetlint.cli import main
start = time.perf_counter()
try:
    main()
except SystemExit as exit:
    code = exit.code
wall = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
os.write(2, f"BENCH {code} {wall:.3f} {own} {kids}\\n".encode())
"""


def _plain(value):
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def make_documents(folder: Path, n: int, seed: int = 5) -> None:
    base = json.loads(SAMPLE.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    for i in range(n):
        doc = json.loads(json.dumps(base))
        items = doc["narrative"]["fiscal_appropriation"]["items"]
        item = items[rng.randrange(len(items))]
        if i % 2:
            item["share_pct"] = round(item["share_pct"] + rng.choice([-1, 1]) * 0.01 * rng.randint(1, 90), 2)
        rows = doc["tables"]["general_budget"]["rows"]
        if i % 3 == 0 and rows:
            row = rows[rng.randrange(len(rows))]
            if isinstance(row.get("total"), int | float):
                row["total"] = round(row["total"] + rng.randint(1, 500) / 100, 2)
        doc["entity"]["name"] = f"{doc['entity']['name']}（样本 {i:04}）"
        sub = folder / f"batch-{i // 100:02}"
        sub.mkdir(exist_ok=True)
        if i % 3 == 2:
            text = yaml.safe_dump(_plain(doc), allow_unicode=True, sort_keys=False)
            (sub / f"unit-{i:04}.yaml").write_text(text, encoding="utf-8")
        else:
            (sub / f"unit-{i:04}.json").write_text(
                json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8"
            )


def run(folder: Path, jobs: int, fmt: str) -> dict:
    args = ["check", "--no-config", "--jobs", str(jobs), "--format", fmt, "-o", "/dev/null", str(folder)]
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, *args], cwd=ROOT, capture_output=True, text=True, timeout=3600
    )
    line = next((x for x in proc.stderr.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"benchmark run failed:\n{proc.stderr}")
    _, code, wall, own, kids = line.split()
    return {
        "exit": int(code),
        "wall_s": float(wall),
        "parent_rss_mib": int(own) / 1024,
        "child_rss_mib": int(kids) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--format", default="json")
    opts = parser.parse_args()
    heads = ("documents", "jobs", "exit", "wall s", "docs/s", "parent MiB", "worker MiB")
    print(" ".join(f"{h:>{max(len(h), 4)}}" for h in heads))
    for n in opts.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            make_documents(Path(tmp), n)
            r = run(Path(tmp), opts.jobs, opts.format)
        print(
            f"{n:>9} {opts.jobs:>4} {r['exit']:>4} {r['wall_s']:>6.2f} {n / r['wall_s']:>6.1f}"
            f" {r['parent_rss_mib']:>10.1f} {r['child_rss_mib']:>10.1f}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
