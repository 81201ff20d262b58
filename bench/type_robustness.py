"""Every place of the seed sample, each given a value of every wrong kind: no rule may crash.

    python bench/type_robustness.py [--every N]

The test suite tries a sample of the places (tests/test_type_robustness.py); this tries all of
them (about 24 000 documents, a few minutes) and lists each internal error with one example.
Exit status 1 when any rule crashed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from typefuzz import SUBSTITUTES, crashes, places  # noqa: E402

from budgetlint.resources import rules_dir  # noqa: E402
from budgetlint.rulebook import load_rulebook  # noqa: E402
from budgetlint.schema import load_schema  # noqa: E402

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="try every Nth place only")
    args = parser.parse_args()
    sample = ROOT / "samples" / "xunwu-2023-social-insurance.json"
    data = json.loads(sample.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)
    rulebook = load_rulebook([rules_dir()], load_schema())
    n = len(list(places(data))[:: args.every])
    start = time.perf_counter()
    found = Counter()
    example = {}
    for path, substitute, message in crashes(data, rulebook, every=args.every):
        found[message] += 1
        example.setdefault(message, (path, substitute))
    seconds = time.perf_counter() - start
    documents = n * len(SUBSTITUTES)
    print(f"{n} places × {len(SUBSTITUTES)} substitutes = {documents} documents in {seconds:.0f} s")
    for message, count in found.most_common():
        path, substitute = example[message]
        print(f"{count:>5}  {message}\n       e.g. /{'/'.join(map(str, path))} = {substitute!r}")
    print("no rule crashed" if not found else f"{sum(found.values())} crashes")
    sys.exit(1 if found else 0)
