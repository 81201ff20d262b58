"""Perturb the layouts of the real PDFs as another region's disclosure could print them, and import.

    python bench/importer_fuzz.py [--seed N] [--cases N] [--case I] [--max-changes K]

The layouts of tests/fixtures/pdf/*.pdf and samples/*.pdf are read once (read_layout; a file
present twice is read once). Each case takes one of them, deep-copies it, applies 1 to K (default 3)
perturbations drawn with random.Random(f"{seed}:{case}") — a header column's path element dropped
or renamed, a header row dropped, a column dropped, rows dropped, duplicated, swapped, cut to none
or made ragged, a cell blanked or garbled (text where a number is, a thousands separator, full-width
digits, a negative in parentheses, a dash), a table dropped, its title changed or dropped, the table
moved to another page, the cover page's lines dropped, a narrative page's lines removed — and calls
budgetlint.importer.document.import_layout on it. NotADisclosure is the clean outcome `budgetlint
check` reports as a message (budgetlint.importer.checking.import_path); any other exception is an
internal error. Those are counted, grouped by type and the importer line that raised them, each with
one reproducing case (`--case I` reruns it alone and prints its traceback). Exit 1 if any.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from budgetlint.importer.document import NotADisclosure, import_layout  # noqa: E402
from budgetlint.importer.layout import read_layout  # noqa: E402
from budgetlint.importer.model import Layout, Row, Table  # noqa: E402

FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")
GARBAGE = ["合计", "小计", "无", "—", "-", "/", "　", "（空）", "见附表", "N/A", "12a", "一百", "%"]
NEW_NAMES = ["", "项目", "名称", "金额", "合 计", "本年数", "2024年", "科目编码", "（万元）", "其他"]


def _is_number(cell: str) -> bool:
    return any(ch.isdigit() for ch in cell)


def _tables(layout: Layout, rng: random.Random, need=lambda t: True) -> Table | None:
    tables = [t for t in layout.tables if need(t)]
    return rng.choice(tables) if tables else None


def _cell(rng: random.Random, cell: str) -> tuple[str, str]:
    how = rng.choice(["blank", "text", "thousands", "full-width", "parentheses", "dash", "spaces"])
    if how == "blank":
        return "", how
    if how == "text":
        return rng.choice(GARBAGE), how
    if how == "dash":
        return rng.choice(["-", "—", "--", "－"]), how
    digits = cell if _is_number(cell) else str(rng.choice([0, 1, 12.5, 1234.56, 98765432.1]))
    if how == "thousands":
        try:
            value = float(digits.replace(",", ""))
            return f"{value:,.2f}", how
        except ValueError:
            return digits + ",000", how
    if how == "full-width":
        return digits.translate(FULL_WIDTH), how
    if how == "parentheses":
        return f"({digits.lstrip('-')})", how
    return " ".join(digits), how  # a number broken by spaces, as a wrapped cell prints it


def perturb(layout: Layout, rng: random.Random) -> str | None:
    """One perturbation in place; its description, or None when it found nothing to change."""
    what = rng.choice(
        [
            "column-element",
            "header-row",
            "drop-column",
            "rows",
            "rows",
            "cell",
            "cell",
            "cell",
            "ragged-row",
            "no-rows",
            "drop-table",
            "title",
            "move-table",
            "cover",
            "narrative",
        ]
    )
    if what == "cover":
        if not layout.pages or not layout.pages[0].lines:
            return None
        layout.pages[0].lines = []
        return "cover page's lines dropped"
    if what == "narrative":
        on_tables = {p for t in layout.tables for p in [*t.pages, *(r.page for r in t.rows)]}
        pages = [p for p in layout.pages if p.number not in on_tables and p.lines]
        if not pages:
            return None
        page = rng.choice(pages)
        page.lines = []
        return f"narrative page {page.number}'s lines removed"
    table = _tables(layout, rng)
    if table is None:
        return None
    name = f"table {layout.tables.index(table)} {table.title!r}"
    if what == "drop-table":
        layout.tables.remove(table)
        return f"{name} dropped"
    if what == "title":
        if rng.random() < 0.3:
            table.title = None
            return f"{name}: title dropped"
        title = table.title or ""
        half = title[: len(title) // 2]
        new = rng.choice([half, title + "（续）", title.replace("表", ""), "附表" + title, "表"])
        table.title = new
        return f"{name}: title changed to {new!r}"
    if what == "move-table":
        if not layout.pages:
            return None
        page = rng.randint(1, len(layout.pages))
        table.pages = [page]
        for row in table.rows:
            row.page = page
        return f"{name}: moved to page {page}"
    if what == "no-rows":
        table.rows = []
        return f"{name}: rows cut to none"
    if what == "column-element":
        paths = [i for i, p in enumerate(table.columns) if p]
        if not paths:
            return None
        i = rng.choice(paths)
        path = table.columns[i]
        j = rng.randrange(len(path))
        if rng.random() < 0.5:
            old = path.pop(j)
            return f"{name}: column {i} path element {j} {old!r} dropped"
        old, path[j] = path[j], rng.choice(NEW_NAMES)
        return f"{name}: column {i} path element {j} {old!r} renamed {path[j]!r}"
    if what == "header-row":
        if not table.header:
            return None
        j = rng.randrange(len(table.header))
        dropped = table.header.pop(j)
        for i, path in enumerate(table.columns):
            text = dropped[i] if i < len(dropped) else None
            if text and text in path:
                path.remove(text)
        return f"{name}: header row {j} dropped"
    if what == "drop-column":
        if not table.columns:
            return None
        i = rng.randrange(len(table.columns))
        old = table.columns.pop(i)
        for header in table.header:
            if i < len(header):
                header.pop(i)
        for row in table.rows:
            if i < len(row.cells):
                row.cells.pop(i)
        return f"{name}: column {i} {old!r} dropped (header and cells)"
    if not table.rows:
        return None
    r = rng.randrange(len(table.rows))
    row = table.rows[r]
    if what == "rows":
        how = rng.choice(["drop", "duplicate", "swap"])
        if how == "drop":
            table.rows.pop(r)
        elif how == "duplicate":
            table.rows.insert(r, Row(list(row.cells), row.page, row.line, row.top, row.bottom))
        else:
            s = rng.randrange(len(table.rows))
            table.rows[r], table.rows[s] = table.rows[s], table.rows[r]
            return f"{name}: rows {r} and {s} swapped"
        return f"{name}: row {r} {row.text[:30]!r} {how}d"
    if what == "ragged-row":
        if rng.random() < 0.5 and row.cells:
            row.cells.pop(rng.randrange(len(row.cells)))
            return f"{name}: row {r} lost a cell"
        row.cells.append(rng.choice(["", "0", "合计"]))
        return f"{name}: row {r} got an extra cell"
    if not row.cells:
        return None
    c = rng.randrange(len(row.cells))
    numbers = [i for i, cell in enumerate(row.cells) if _is_number(cell)]
    if numbers and rng.random() < 0.7:
        c = rng.choice(numbers)
    old = row.cells[c]
    row.cells[c], how = _cell(rng, old)
    return f"{name}: row {r} cell {c} {old!r} → {row.cells[c]!r} ({how})"


def _where(err: BaseException) -> str:
    """The innermost frame in budgetlint/importer/ (the importer line that raised), else the last."""
    frames = traceback.extract_tb(err.__traceback__)
    inside = [f for f in frames if "budgetlint/importer/" in f.filename.replace("\\", "/")]
    frame = (inside or frames)[-1]
    path = Path(frame.filename)
    short = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name
    return f"{short}:{frame.lineno} ({frame.name}: {frame.line})"


def run_case(layouts: list[tuple[str, Layout]], seed: int, case: int, max_changes: int):
    rng = random.Random(f"{seed}:{case}")
    name, layout = rng.choice(layouts)
    layout = copy.deepcopy(layout)
    changes = []
    for _ in range(rng.randint(1, max_changes)):
        for _attempt in range(5):
            change = perturb(layout, rng)
            if change:
                changes.append(change)
                break
    try:
        import_layout(layout, name)
    except NotADisclosure:
        return name, changes, "not a disclosure", None
    except Exception as err:  # counted, never raised: the point is to find them
        return name, changes, "crash", err
    return name, changes, "imported", None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261208)
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--case", type=int, default=None, help="rerun this one case, with its traceback")
    parser.add_argument("--max-changes", type=int, default=3, help="perturbations per case, at most")
    args = parser.parse_args()

    files = sorted((ROOT / "tests" / "fixtures" / "pdf").glob("*.pdf"))
    files += sorted((ROOT / "samples").glob("*.pdf"))
    seen, layouts = set(), []
    start = time.perf_counter()
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            layouts.append((path.name, read_layout(path)))
    read = time.perf_counter() - start
    if args.case is not None:
        name, changes, outcome, err = run_case(layouts, args.seed, args.case, args.max_changes)
        print(f"case {args.case}: {name}: {outcome}")
        for change in changes:
            print(f"  - {change}")
        if err is not None:
            traceback.print_exception(err)
        return 1 if err is not None else 0

    outcomes: Counter = Counter()
    crashes: Counter = Counter()
    example: dict = {}
    start = time.perf_counter()
    for case in range(args.cases):
        name, changes, outcome, err = run_case(layouts, args.seed, case, args.max_changes)
        outcomes[outcome] += 1
        if err is not None:
            key = (type(err).__name__, _where(err))
            crashes[key] += 1
            example.setdefault(key, (case, name, changes, str(err)[:200]))
    seconds = time.perf_counter() - start
    print(
        f"{len(layouts)} layouts read in {read:.1f} s; "
        f"{args.cases} cases in {seconds:.1f} s (seed {args.seed}): "
        + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))
    )
    for (kind, where), count in crashes.most_common():
        case, name, changes, message = example[(kind, where)]
        print(f"{count:>5}  {kind} at {where}: {message}")
        print(f"       e.g. case {case} (--seed {args.seed} --case {case}), {name}:")
        for change in changes:
            print(f"         - {change}")
    print("no crash" if not crashes else f"{sum(crashes.values())} crashes, {len(crashes)} distinct")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
