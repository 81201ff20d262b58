"""Read a disclosure document (JSON or YAML) into plain data with Decimal numbers and positions."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from budgetlint.jsonpos import (
    DuplicateKey,
    DuplicateKeyAt,
    JsonLocator,
    LineIndex,
    TokenIndex,
    index_json,
    loads_recording_objects,
)

MAX_BYTES = 64 * 1024 * 1024


class InputError(Exception):
    """Input that cannot be read; rendered as one line `file:line:col: error: message`."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        self.file, self.message, self.line, self.column = file, message, line, column
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: error: {self.message}"


class Document:
    """A loaded document: its data, its text and how to find the place of a JSON Pointer.

    A plain class: a dataclass costs ~1 ms to create at import, on every run."""

    __slots__ = ("_lines", "_locator", "_objects", "_yaml_positions", "data", "name", "syntax", "text")

    def __init__(
        self,
        name: str,
        data: object,
        text: str,
        syntax: str,  # "json" or "yaml"
        _locator: JsonLocator | TokenIndex | None = None,
        _yaml_positions: dict[str, tuple[int, int]] | None = None,
        _lines: LineIndex | None = None,
        # JSON: its objects in the order the parser completed them, which lets the locator step over them
        _objects: list[dict] | None = None,
    ):
        self.name = name
        self.data = data
        self.text = text
        self.syntax = syntax
        self._locator = _locator
        self._yaml_positions = _yaml_positions
        self._lines = _lines
        self._objects = _objects

    def __repr__(self) -> str:
        return f"Document(name={self.name!r}, data={self.data!r}, text={self.text!r}, syntax={self.syntax!r})"

    @classmethod
    def in_memory(cls, name: str, data) -> Document:
        """A document made in memory (a patched test case): every position is 1:1."""
        return cls(name, data, "", "yaml", _yaml_positions={})

    def position(self, pointer: str) -> tuple[int, int]:
        """line:column of the value (or key) at pointer; the nearest existing parent otherwise."""
        if self.syntax == "yaml":
            return _nearest((self._yaml_positions or {}).get, pointer) or (1, 1)
        if self._locator is None:
            self._locator = JsonLocator(self.text, self.data, self._objects)
            self._lines = LineIndex(self.text)
        try:
            offset = _nearest(self._locator.offset, pointer)
        except RecursionError:  # lists nested hundreds deep: from now on, an index that does not recurse
            self._locator = TokenIndex(self.text)
            offset = _nearest(self._locator.offset, pointer)
        return self._lines.position(offset or 0)


def _nearest(lookup, pointer: str):
    """lookup(pointer), or of its nearest parent that has a value; None when not even the root has."""
    while (found := lookup(pointer)) is None and pointer:
        pointer = pointer.rsplit("/", 1)[0]
    return found


def decode(raw: bytes, name: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(name, "the file is UTF-16; save it as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        prefix = raw[: err.start].decode("utf-8", errors="replace")
        line = prefix.count("\n") + 1
        column = len(prefix.rsplit("\n", 1)[-1]) + 1
        raise InputError(
            name,
            f"the file is not UTF-8 (byte 0x{raw[err.start]:02X}); it may be GBK/GB18030 — "
            "convert it, e.g. `iconv -f GB18030 -t UTF-8`",
            line,
            column,
        ) from None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number a budget can hold")


def load_json_text(text: str, name: str) -> Document:
    try:
        data, objects = loads_recording_objects(
            text, parse_float=Decimal, parse_int=Decimal, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as err:
        raise InputError(name, f"invalid JSON: {err.msg}", err.lineno, err.colno) from None
    except DuplicateKey:
        try:
            index_json(text, check_duplicates=True)
        except DuplicateKeyAt as dup:
            line, col = LineIndex(text).position(dup.offset)
            raise InputError(name, f"duplicate key {dup.key!r} at {dup.pointer}", line, col) from None
        raise InputError(name, "duplicate key") from None
    except ValueError as err:  # NaN / Infinity
        offset = _find_constant(text)
        line, col = LineIndex(text).position(offset)
        raise InputError(name, f"invalid JSON: {err}", line, col) from None
    except RecursionError:
        raise InputError(name, "the document is nested too deeply") from None
    return Document(name, data, text, "json", _objects=objects)


def _find_constant(text: str) -> int:
    import re

    m = re.search(r"(?<![\w\"])-?(NaN|Infinity)\b", text)
    return m.start() if m else 0


def load_text(text: str, name: str, syntax: str) -> Document:
    if syntax == "yaml":
        from budgetlint.yamlload import load_yaml_text

        data, positions = load_yaml_text(text, name)
        return Document(name, data, text, "yaml", _yaml_positions=positions)
    return load_json_text(text, name)


def syntax_of(name: str) -> str:
    return "yaml" if name.lower().endswith((".yaml", ".yml")) else "json"


def load_bytes(raw: bytes, name: str, syntax: str | None = None) -> Document:
    if len(raw) > MAX_BYTES:
        raise InputError(name, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return load_text(decode(raw, name), name, syntax or syntax_of(name))


def load_path(path: Path | str, name: str | None = None) -> Document:
    path = Path(path)
    name = name or str(path)
    try:
        if path.is_dir():
            raise InputError(name, "is a directory, not a document")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as err:
        raise InputError(name, f"cannot read: {err.strerror}") from None
    return load_bytes(raw, name)
