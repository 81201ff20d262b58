"""Tables printed without rules, read from word positions.

Columns are bands of x: the words of the body rows (rows with a figure, a code, an ordinal or a
total) are laid side by side and overlapping extents merge — right-aligned figures of one column
overlap each other, left-aligned names overlap each other, and separate columns do not. Each line
is then cut into those bands. A line that is neither a body row nor part of the header (a name
wrapped onto a second line of its cell) is joined to the nearest body row, before its text if it
lies above the row and after it if below. Header words are placed in the band(s) they overlap;
`columns` lists, per band, the header words above it.

Limits: a header word that spans several columns (a merged header cell) is placed in the first
band it overlaps (None in the others), as the ruled reader does; two columns whose printed extents
touch in every row merge into one.
"""

from __future__ import annotations

from .lines import group_words
from .model import Line, Page, Row, Table
from .patterns import AMOUNT, is_body_row, is_title, is_unit_line, issuer_of, unit_of
from .ruled import Found

SLACK = 1.0
MIN_FIGURE_ROWS = 2  # a region with fewer rows carrying figures is not read as a table


def bands_of(lines: list[list[dict]]) -> list[tuple[float, float]]:
    spans = sorted((w["x0"], w["x1"]) for line in lines for w in line)
    bands: list[list[float]] = []
    for x0, x1 in spans:
        if bands and x0 <= bands[-1][1] + SLACK:
            bands[-1][1] = max(bands[-1][1], x1)
        else:
            bands.append([x0, x1])
    return [(a, b) for a, b in bands]


def _band_index(word: dict, bands: list[tuple[float, float]]) -> int:
    overlaps = [min(word["x1"], b1) - max(word["x0"], b0) for b0, b1 in bands]
    best = max(range(len(bands)), key=lambda i: overlaps[i])
    if overlaps[best] > 0:
        return best
    centre = (word["x0"] + word["x1"]) / 2
    return min(range(len(bands)), key=lambda i: abs(centre - (bands[i][0] + bands[i][1]) / 2))


def cut(line: list[dict], bands: list[tuple[float, float]]) -> list[str]:
    cells: list[list[str]] = [[] for _ in bands]
    for word in line:
        cells[_band_index(word, bands)].append(word["text"])
    return [" ".join(parts) for parts in cells]


def _line_box(line: list[dict]) -> tuple[float, float]:
    return min(w["top"] for w in line), max(w["bottom"] for w in line)


def read_region(page: Page, words: list[dict], top: float, bottom: float) -> Found | None:
    """The table whose lines lie between `top` and `bottom` on the page (None if no body row)."""
    region = [w for w in words if w["top"] >= top - 0.5 and w["bottom"] <= bottom + 0.5]
    lines = group_words(region)
    table = Table(title=None, pages=[page.number], method="words")
    while lines and (is_unit_line(" ".join(w["text"] for w in lines[0])) or is_title(_text(lines[0]))):
        text = _text(lines.pop(0))
        if is_unit_line(text):
            table.header_line, table.unit, table.issuer = text, unit_of(text), issuer_of(text)
        else:
            table.title = text
    # The body ends at a note (注：…) printed under the table.
    for i, line in enumerate(lines):
        if _text(line).startswith(("注", "说明")):
            lines = lines[:i]
            break
    # The body ends at a sentence; without rules, a numbered paragraph must not pass for a row.
    for i, line in enumerate(lines):
        if "。" in _text(line):
            lines = lines[:i]
            break
    tokens = [_text(line).split() for line in lines]
    body = [i for i, toks in enumerate(tokens) if is_body_row(toks)]
    if sum(1 for i in body if any(AMOUNT.match(t) for t in tokens[i])) < MIN_FIGURE_ROWS:
        return None
    bands = bands_of([lines[i] for i in body])
    first = body[0]
    header_lines = lines[:first]
    table.header = [list(cut(line, bands)) for line in header_lines]
    table.columns = [
        [w["text"] for line in header_lines for w in line if _band_index(w, bands) == j]
        for j in range(len(bands))
    ]
    rows: dict[int, Row] = {}
    for i in body:
        t, b = _line_box(lines[i])
        rows[i] = Row(cut(lines[i], bands), page.number, page.line_at(t, b), t, b)
    for i in range(first, len(lines)):
        if i in rows:
            continue
        t, b = _line_box(lines[i])
        nearest = min(body, key=lambda k: abs((rows[k].top + rows[k].bottom) / 2 - (t + b) / 2))
        fragment = cut(lines[i], bands)
        target = rows[nearest]
        for j, text in enumerate(fragment):
            if text:
                target.cells[j] = text + target.cells[j] if t < target.top else target.cells[j] + text
    table.rows = [rows[i] for i in body]
    return Found(table, top, max(r.bottom for r in table.rows))


def _text(line: list[dict]) -> str:
    return " ".join(w["text"] for w in line)


def word_tables(page: Page, words: list[dict], ruled: list[Found], continues: bool) -> list[Found]:
    """Tables on the page that the ruled reader did not find: below each unclaimed title line,
    and from the top of the page when the page continues a word-read table (`continues`)."""
    claimed = {f.table.title_line for f in ruled}

    def inside_ruled(line: Line) -> bool:
        return any(f.top - 2 <= line.top <= f.bottom + 2 for f in ruled)

    starts = [
        i
        for i, line in enumerate(page.lines, 1)
        if is_title(line.text) and i not in claimed and not inside_ruled(line)
    ]
    if continues and not ruled and page.lines and not starts:
        starts = [0]
    found = []
    for k, start in enumerate(starts):
        top = page.lines[start - 1].top if start else 0.0
        end = starts[k + 1] if k + 1 < len(starts) else len(page.lines) + 1
        stop = page.lines[end - 2].bottom if end - 2 >= 0 else top
        for f in ruled:
            if f.top > top:
                stop = min(stop, f.top - 1)
        item = read_region(page, words, top, stop)
        if item is not None:
            item.table.title_line = start or None
            found.append(item)
    return found
