"""Positions in JSON text: JSON Pointer → offset (JsonLocator, or index_json for every pointer at
once) → line:column (LineIndex)."""

from __future__ import annotations

import json
import re
from bisect import bisect_right

from budgetlint.findings import escape_pointer_token, unescape_pointer_token

# Compiled at the first use (re caches it): only duplicate keys and deep nesting need index_json.
_TOKEN = r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+'


class DuplicateKeyAt(Exception):
    def __init__(self, key: str, pointer: str, offset: int):
        super().__init__(key)
        self.key, self.pointer, self.offset = key, pointer, offset


def index_json(text: str, check_duplicates: bool = False) -> dict[str, int]:
    """Map every JSON Pointer of a (valid) JSON text to the offset of its key or value."""
    positions: dict[str, int] = {"": 0}
    # stack entries: [kind, pointer, next index or pending key, keys seen]
    stack: list[list] = []
    expect_key = False
    for m in re.finditer(_TOKEN, text):
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


class TokenIndex:
    """JsonLocator's interface over index_json: every pointer tokenized up front, without
    recursion, for a text whose nesting is too deep for JsonLocator to step over."""

    def __init__(self, text: str):
        self._offsets = index_json(text)

    def offset(self, pointer: str) -> int | None:
        return self._offsets.get(pointer)


class LineIndex:
    """Offset → (line, column), both 1-based, columns counted in characters."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


class DuplicateKey(ValueError):
    """A key given twice in one object (JsonLocator needs one member per key)."""


def loads_recording_objects(text: str, **options) -> tuple[object, list[dict]]:
    """json.loads(text, **options), refusing duplicate keys, and the objects it made in the order
    it completed them, which is the order of their closing braces: what JsonLocator needs."""
    objects: list[dict] = []

    def pairs(items: list) -> dict:
        result = dict(items)  # built in C; a key given twice shows as a shorter dict
        if len(result) != len(items):
            raise DuplicateKey()
        objects.append(result)
        return result

    return json.loads(text, object_pairs_hook=pairs, **options), objects


_BLANKS = re.compile(r"[ \t\n\r]*")
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")  # from the end of a key to its value
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")  # from the end of an element to the next one
_SCALAR = re.compile(r"[^ \t\n\r,\]}]*")  # a number, true, false or null
_CLOSING_BRACE = re.compile("}")
_INDEX = re.compile("0|[1-9][0-9]*")  # an array index as a pointer writes it
_MATCH_START = re.Match.start
_ABSENT = object()


def _ends_with_object(value) -> bool:
    """An object, or a list whose last element (at any depth) is one: where it ends is known."""
    while type(value) is list and value:
        value = value[-1]
    return type(value) is dict


def _holds_no_key(value) -> bool:
    """A string, a number, a literal, or a list of those: no `"...":` can occur in its text."""
    if type(value) is list:
        return all(map(_holds_no_key, value))
    return type(value) is not dict


class JsonLocator:
    """Offsets of JSON Pointers in a JSON text, found by walking the parsed data along the text.

    The data tells what comes next at every step (a key, or a value of a known type), so a step
    is a short search. Objects are stepped over at once: the parser completes them in the order
    of their closing braces, which `objects` records, so the i-th of them ends at the i-th "}"
    outside strings (found by one pass over the text, at the first need). Beyond that pass,
    locating a pointer costs in proportion to the members and elements passed on its way, not to
    the size of the objects passed over.

    `data` and `objects` must come from parsing `text` (see loads_recording_objects; the loader
    keeps both); without them the text is parsed here. Duplicate keys are refused."""

    def __init__(self, text: str, data=None, objects: list[dict] | None = None):
        if objects is None:
            data, objects = loads_recording_objects(text)
        self.text = text
        self._objects = objects
        # Without a backslash every string is written as it reads; else, a copy with the escaped
        # backslashes and quotes blanked, where every '"' opens or closes a string.
        self._plain = "\\" not in text
        self._clean = text if self._plain else text.replace("\\\\", "  ").replace('\\"', "  ")
        self._closes: dict[int, int] | None = None  # id of an object → offset of its "}"
        root = _BLANKS.match(text).end()
        # pointer → (offset of its key or value, offset of its value, its value), or None if absent
        self._found: dict[str, tuple | None] = {"": (root, root, data)}

    def offset(self, pointer: str) -> int | None:
        """Offset of the member's key (object) or the element's value (array); None if absent."""
        found = self._found
        hit = found.get(pointer, _ABSENT)
        if hit is _ABSENT:
            if not pointer.startswith("/"):
                return None
            # up to the nearest pointer already found, then down from it
            path = []
            while pointer not in found:
                path.append(pointer)
                pointer = pointer.rpartition("/")[0]
            hit = found[pointer]
            for pointer in reversed(path):
                if hit is not None:
                    hit = self._child(hit[1], hit[2], pointer.rpartition("/")[2])
                found[pointer] = hit
        return None if hit is None else hit[0]

    def _child(self, at: int, node, token: str) -> tuple | None:
        """(offset, value offset, value) of member or element `token` of `node`, which is at `at`."""
        if type(node) is dict:
            key = token
            if "~" in token:
                key = unescape_pointer_token(token)
                if escape_pointer_token(key) != token:  # as "~2": no key is written so
                    return None
            value = node.get(key, _ABSENT)
            return None if value is _ABSENT else self._member(at, node, key, value)
        if type(node) is list and _INDEX.fullmatch(token) and int(token) < len(node):
            return self._element(at, node, int(token))
        return None

    def _member(self, at: int, node: dict, key: str, value) -> tuple:
        # Start after the last member before it whose end the parse order gives (an object, or a
        # list ending with one), or at the start of the object.
        values = list(node.values())
        index = i = list(node).index(key)
        keyless = True
        while i:
            v = values[i - 1]
            kind = type(v)
            if kind is dict or (kind is list and _ends_with_object(v)):
                break
            if kind is list and keyless:
                keyless = _holds_no_key(v)
            i -= 1
        pos = self._end(values[i - 1]) if i else at + 1
        text = self.text
        if keyless and self._plain and ":" not in key and "," not in key:
            # No object lies between there and it, so no other key: it is the first `"key"`
            # followed by ":". (Without backslashes every '"' opens or closes a string; a '"'
            # closing one string and the next opening another have "," or ":" between them.)
            needle = f'"{key}"'
            x = text.find(needle, pos)
            while x >= 0:
                colon = _COLON.match(text, x + len(needle))
                if colon:
                    return x, colon.end(), value
                x = text.find(needle, x + 1)  # a string value that reads the same
        for v in values[i:index]:  # step over the members between
            pos = self._past(v, self._member_at(pos)[1])
        key_at, value_at = self._member_at(pos)
        return key_at, value_at, value

    def _member_at(self, pos: int) -> tuple[int, int]:
        """Offsets of the key and the value of the member after `pos`."""
        key_at = self.text.find('"', pos)
        return key_at, _COLON.match(self.text, self._clean.find('"', key_at + 1) + 1).end()

    def _element(self, at: int, node: list, index: int) -> tuple:
        # Start after the last element before it whose end the parse order gives, if any.
        i = index - 1
        while i >= 0:
            kind = type(node[i])
            if kind is dict or (kind is list and _ends_with_object(node[i])):
                break
            i -= 1
        if i < 0:
            value_at = _BLANKS.match(self.text, at + 1).end()
        else:
            value_at = _COMMA.match(self.text, self._end(node[i])).end()
        for k in range(i + 1, index):  # step over the elements between
            value_at = _COMMA.match(self.text, self._past(node[k], value_at)).end()
        return value_at, value_at, node[index]

    def _past(self, value, start: int) -> int:
        """Offset past the value that starts at `start`."""
        if _ends_with_object(value):
            return self._end(value)
        kind = type(value)
        if kind is str:
            return self._clean.find('"', start + 1) + 1
        if kind is not list:
            return _SCALAR.match(self.text, start).end()
        if value:  # past its last element
            start = self._past(value[-1], self._element(start, value, len(value) - 1)[0])
        return self.text.find("]", start) + 1

    def _end(self, value) -> int:
        """Offset past an object, or a list ending with one: its "}" is known from the parse."""
        lists = 0
        while type(value) is list:
            value, lists = value[-1], lists + 1
        if self._closes is None:
            self._closes = self._closing_braces()
        end = self._closes[id(value)] + 1
        for _ in range(lists):
            end = self.text.find("]", end) + 1
        return end

    def _closing_braces(self) -> dict[int, int]:
        """id of every object → offset of its "}": the i-th object parsed, the i-th "}"."""
        ends = list(map(_MATCH_START, _CLOSING_BRACE.finditer(self.text)))
        if len(ends) != len(self._objects):
            # some "}" are inside strings: keep those after an even number of quotes
            clean, quotes, last, kept = self._clean, 0, 0, []
            for end in ends:
                quotes, last = quotes + clean.count('"', last, end), end
                if not quotes & 1:
                    kept.append(end)
            ends = kept
        return dict(zip(map(id, self._objects), ends, strict=True))
