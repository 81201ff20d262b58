"""Positions in JSON text: JSON Pointer → line:column, found by one tokenizing pass when needed."""

from __future__ import annotations

import re
from bisect import bisect_right

from budgetlint.findings import escape_pointer_token

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


class DuplicateKeyAt(Exception):
    def __init__(self, key: str, pointer: str, offset: int):
        super().__init__(key)
        self.key, self.pointer, self.offset = key, pointer, offset


def index_json(text: str, check_duplicates: bool = False) -> dict[str, int]:
    """Map every JSON Pointer of a (valid) JSON text to the offset of its key or value."""
    import json

    positions: dict[str, int] = {"": 0}
    # stack entries: [kind, pointer, next index or pending key, keys seen]
    stack: list[list] = []
    expect_key = False
    for m in _TOKEN.finditer(text):
        tok = m.group(0)
        if tok in ",:":
            continue
        if tok in "}]":
            stack.pop()
            expect_key = bool(stack) and stack[-1][0] == "{"
            continue
        top = stack[-1] if stack else None
        if top is not None and top[0] == "{" and expect_key:
            key = json.loads(tok)
            pointer = f"{top[1]}/{escape_pointer_token(key)}"
            if check_duplicates:
                if key in top[3]:
                    raise DuplicateKeyAt(key, pointer, m.start())
                top[3].add(key)
            positions[pointer] = m.start()
            top[2] = pointer
            expect_key = False
            continue
        # a value
        if top is None:
            pointer = ""
        elif top[0] == "[":
            pointer = f"{top[1]}/{top[2]}"
            top[2] += 1
            positions[pointer] = m.start()
        else:
            pointer = top[2]
        if tok in "{[":
            stack.append([tok, pointer, 0 if tok == "[" else None, set()])
            expect_key = tok == "{"
        else:
            expect_key = bool(stack) and stack[-1][0] == "{"
    return positions


class LineIndex:
    """Offset → (line, column), both 1-based, columns counted in characters."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


class JsonLocator:
    """Offsets of JSON Pointers found on demand: the path is followed and every sibling on the way
    is skipped by the C decoder, so locating a few findings does not tokenize the whole text."""

    _WS = re.compile(r"[ \t\n\r]*")

    def __init__(self, text: str):
        import json

        self.text = text
        self._decode = json.JSONDecoder().raw_decode
        self._scanstring = json.decoder.scanstring
        self._starts: dict[str, int] = {"": self._skip_ws(0)}  # pointer → offset of its value
        self._keys: dict[str, int] = {}  # pointer → offset of its key (object members)

    def _skip_ws(self, i: int) -> int:
        return self._WS.match(self.text, i).end()

    def offset(self, pointer: str) -> int | None:
        """Offset of the member's key (object) or the element's value (array); None if absent."""
        if pointer in self._keys:
            return self._keys[pointer]
        if pointer in self._starts:
            return self._starts[pointer]
        parent = pointer.rpartition("/")[0]
        if not pointer or self.offset(parent) is None:
            return None
        self._open(parent, self._starts[parent])
        return self._keys.get(pointer, self._starts.get(pointer))

    def _open(self, pointer: str, i: int) -> None:
        """Record the offsets of every child of the container at i (once per container)."""
        marker = f"{pointer}\0opened"
        if marker in self._keys:
            return
        self._keys[marker] = i
        text = self.text
        opener = text[i]
        if opener not in "{[":
            return
        i = self._skip_ws(i + 1)
        index = 0
        while i < len(text) and text[i] not in "}]":
            if opener == "{":
                key_at = i
                key, i = self._scanstring(text, i + 1)
                i = self._skip_ws(self._skip_ws(i) + 1)  # past the colon
                child = f"{pointer}/{escape_pointer_token(key)}"
                self._keys[child] = key_at
            else:
                child = f"{pointer}/{index}"
                index += 1
            self._starts[child] = i
            _, i = self._decode(text, i)
            i = self._skip_ws(i)
            if i < len(text) and text[i] == ",":
                i = self._skip_ws(i + 1)
