"""Benchmark `budgetlint import`: time per page and per document on the corpus PDFs, against
pdfplumber's own page parsing (open, then extract the words of every page) — the floor.

    python bench/import_bench.py [--repeat 3] [--text TXT ...] [PDF ...]

Default PDFs: /work/shared/corpus/*.pdf when present, else tests/fixtures/pdf/*.pdf. For each PDF,
the best of `--repeat` runs of: the floor (pdfplumber.open + extract_words on every page), the
layout (budgetlint.importer.layout.read_pdf) and the whole import (layout + mapping). A PDF the
importer refuses (not a disclosure) is timed up to the refusal and marked. Then each extracted
text (`--text`, default the seed's samples/xunwu-2023-social-insurance.txt): the best of
`--repeat` × 5 whole imports (reading, the tables, the placement of short rows by the document's
identities, the narrative, the forms). Not part of the tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = Path("/work/shared/corpus")


def best(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def floor(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
        return len(pdf.pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--text", nargs="*", type=Path, default=[ROOT / "samples" / "xunwu-2023-social-insurance.txt"]
    )
    args = parser.parse_args(argv)
    from budgetlint.importer.checking import ImportFailure, import_path
    from budgetlint.importer.layout import read_pdf

    pdfs = (
        args.pdfs
        or sorted(CORPUS.glob("*.pdf"))
        or sorted((ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf"))
    )
    print(
        f"{'document':<50} {'pages':>5} {'floor s':>8} {'layout s':>9} {'import s':>9} "
        f"{'ms/page':>8} {'ratio':>6}"
    )
    total_pages = total_import = total_floor = 0.0
    for path in pdfs:
        floor_s, pages = best(lambda p=path: floor(p), args.repeat)
        layout_s, _ = best(lambda p=path: read_pdf(p), args.repeat)

        def whole(p=path):
            try:
                import_path(p)
                return ""
            except ImportFailure as err:
                return " (refused: " + str(err).split("error: ", 1)[-1][:40] + ")"

        import_s, note = best(whole, args.repeat)
        total_pages += pages
        total_import += import_s
        total_floor += floor_s
        print(
            f"{path.name:<50} {pages:>5} {floor_s:>8.3f} {layout_s:>9.3f} {import_s:>9.3f} "
            f"{1000 * import_s / pages:>8.1f} {import_s / floor_s:>6.2f}{note}"
        )
    if total_pages:
        print(
            f"{'all':<50} {int(total_pages):>5} {total_floor:>8.3f} {'':>9} {total_import:>9.3f} "
            f"{1000 * total_import / total_pages:>8.1f} {total_import / total_floor:>6.2f}"
        )
        print(f"a 20-page disclosure: {20 * total_import / total_pages:.2f} s (target ≤ 1.5 s)")
    for path in args.text or []:
        text_s, _ = best(lambda p=path: import_path(p), 5 * args.repeat)
        print(f"{path.name:<50} text import {1000 * text_s:.1f} ms (best of {5 * args.repeat})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
