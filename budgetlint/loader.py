"""Read a disclosure document (JSON or YAML) into plain data with Decimal numbers and positions."""

from __future__ import annotations

import json
import os
import re
import stat
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
from budgetlint.limits import MAX_DIGITS, MAX_EXPONENT, InputError, number_out_of_range  # noqa: F401 - re-exported

MAX_BYTES = 64 * 1024 * 1024
# A document holds at most this many values (numbers, strings, lists, objects …): the samples
# have 3,000 to 5,400 (keys counted); 50 MB of `[0,0,…]` or `[{},{},…]` would take gigabytes,
# and PyYAML composes ~35,000 values a second.
MAX_VALUES = 100_000


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


class _OutOfRange(ValueError):
    def __init__(self, literal: str, message: str):
        super().__init__(message)
        self.literal = literal


def _checked_number(literal: str) -> Decimal:
    number = Decimal(literal)
    problem = number_out_of_range(number)
    if problem:
        raise _OutOfRange(literal, problem)
    return number


# The JSON parser's number hooks. Only a literal with an exponent or of 32+ characters can be out
# of range, and these tests cost ~0.1 µs a number (0.07 ms on the seed); a regex over the text
# looking for such numbers costs 1.8 ms.
def _float(literal: str, decimal=Decimal) -> Decimal:
    if len(literal) > MAX_EXPONENT or "e" in literal or "E" in literal:
        return _checked_number(literal)
    return decimal(literal)


def _int(literal: str, decimal=Decimal) -> Decimal:
    return _checked_number(literal) if len(literal) > MAX_EXPONENT else decimal(literal)


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')


def _too_many_values(text: str) -> bool:
    """More values than MAX_VALUES: counted by the commas and opening brackets outside strings."""
    if len(text) <= MAX_VALUES:  # each counted character is one character of the text
        return False
    rough = text.count(",") + text.count("[") + text.count("{")
    if rough <= MAX_VALUES:
        return False
    bare = _STRINGS.sub("", text)
    return bare.count(",") + bare.count("[") + bare.count("{") > MAX_VALUES


def load_json_text(text: str, name: str) -> Document:
    if _too_many_values(text):
        raise InputError(name, f"the document holds more than {MAX_VALUES:,} values")
    try:
        data, objects = loads_recording_objects(
            text, parse_float=_float, parse_int=_int, parse_constant=_reject_constant
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
    except _OutOfRange as err:
        line, col = LineIndex(text).position(_find_number(text, err.literal))
        raise InputError(name, f"{err} ({_short(err.literal)})", line, col) from None
    except ValueError as err:  # NaN / Infinity
        offset = _find_constant(text)
        line, col = LineIndex(text).position(offset)
        raise InputError(name, f"invalid JSON: {err}", line, col) from None
    except RecursionError:
        raise InputError(name, "the document is nested too deeply") from None
    return Document(name, data, text, "json", _objects=objects)


def _short(literal: str) -> str:
    return literal if len(literal) <= 24 else f"{literal[:10]}…{literal[-10:]}"


def _find_number(text: str, literal: str) -> int:
    """Offset of the first number token written `literal` (outside strings)."""
    for m in _NUMBER_TOKENS.finditer(text):
        if m.group(0) == literal:
            return m.start()
    return 0


_NUMBER_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9][0-9.eE+-]*')


def _find_constant(text: str) -> int:
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


def _too_large(name: str) -> InputError:
    return InputError(name, f"the file is larger than {MAX_BYTES // (1024 * 1024)} MiB")


def load_bytes(raw: bytes, name: str, syntax: str | None = None) -> Document:
    if len(raw) > MAX_BYTES:
        raise _too_large(name)
    return load_text(decode(raw, name), name, syntax or syntax_of(name))


def read_capped(stream, name: str, limit: int = MAX_BYTES) -> bytes:
    """At most `limit` bytes of a binary stream (standard input, a FIFO, /dev/zero), else InputError."""
    chunks, size = [], 0
    while True:
        chunk = stream.read(min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            raise _too_large(name)


def read_file(path: Path | str, name: str, limit: int = MAX_BYTES) -> bytes:
    """A file's bytes, its size checked before reading (stat), and read no further than the limit
    (a device or a FIFO has no size to check). InputError naming the file otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except (OSError, ValueError) as err:
        raise InputError(name, f"cannot read: {getattr(err, 'strerror', None) or err}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(name, "is a directory, not a document")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise _too_large(name)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            return read_capped(stream, name, limit)
    except OSError as err:
        raise InputError(name, f"cannot read: {err.strerror or err}") from None
    finally:
        os.close(fd)


def load_path(path: Path | str, name: str | None = None) -> Document:
    name = name or str(path)
    return load_bytes(read_file(path, name), name)


def check_input(doc: Document, kind: str, label=None) -> None:
    """Validate one of budgetlint's own input files (kind: "waivers", "cases"; budgetlint.schema.inputs)
    against its JSON Schema, as a document is validated: InputError at the first problem's
    line:column in the file. label(pointer) → what the message starts with ("waiver 2: ")."""
    from budgetlint.schema.inputs import first, problems

    problem = first(problems(kind, doc.data), doc.position)
    if problem is not None:
        prefix = label(problem.pointer) if label else ""
        raise InputError(doc.name, prefix + problem.message, *doc.position(problem.pointer))
