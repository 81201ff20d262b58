"""Benchmark locating the seed sample's findings: the ms a fresh JsonLocator takes for their pointers.

    python bench/positions.py [--runs N]

Loads the seed sample, takes the pointers of its findings under the built-in rulebook, and times
a fresh locator per run going through all of them the way Document.position does (the locator
built from the loaded text, data and objects; each pointer or its nearest existing parent):
median of N runs, with json.loads of the same text timed alike for scale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
from _timing import median_ms  # noqa: E402  (bench/ is the script's folder, first on sys.path)

SAMPLE = ROOT / "samples" / "xunwu-2023-social-insurance.json"
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    runs = parser.parse_args().runs

    from budgetlint.engine import rule_findings
    from budgetlint.jsonpos import JsonLocator
    from budgetlint.loader import _nearest, load_bytes
    from budgetlint.resources import rules_dir
    from budgetlint.rulebook import load_rulebook
    from budgetlint.schema import load_schema

    rulebook = load_rulebook([rules_dir()], load_schema())
    doc = load_bytes(SAMPLE.read_bytes(), SAMPLE.name)
    pointers = [f.pointer for f in rule_findings(doc, rulebook)]

    def locate():
        locator = JsonLocator(doc.text, doc.data, doc._objects)  # as Document.position builds it
        for pointer in pointers:
            _nearest(locator.offset, pointer)

    located = median_ms(locate, runs)
    parsed = median_ms(lambda: json.loads(doc.text), runs)
    print(f"locate {len(pointers)} findings in {SAMPLE.name} ({len(doc.text)} characters): {located:.3f} ms")
    print(f"  json.loads of the same text: {parsed:.3f} ms (median of {runs} runs each)")


if __name__ == "__main__":
    main()
