"""Baselines: record today's findings of an archive, then report only the new ones.

A finding is known by its identity, not its place: the rule, and what the finding is about by its
printed identity — the JSON Pointer with each array index replaced by the element's identifying
value (a table row's code, a project's name, a column's key …; `identity()`), a hash of the value
there and the message. Reordering a table's rows or the projects, or re-indenting the file, keeps
every finding's identity; a changed figure makes a new one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

from budgetlint.atomic import write_text
from budgetlint.findings import Finding, escape_pointer_token, unescape_pointer_token
from budgetlint.jsonpos import DuplicateKey, DuplicateKeyAt, LineIndex, index_json, loads_recording_objects
from budgetlint.loader import Document, InputError, decode, read_file

FORMAT = "budgetlint-baseline"
VERSION = 2  # 1: entries keyed by the array-index pointer (still read: see load_baseline)
VERSIONS = (1, 2)
# The keys that name an element of an array, most specific first: a table row's code (科目编码),
# a column's or an item's key, a project, a department code, a glossary term, an indicator's
# level-3 name, a name, a label, a title, a heading's text.
ID_KEYS = ("code", "key", "project", "dept_code", "term", "level3", "name", "label", "title", "text")


def value_at(data, pointer: str):
    """The value at a JSON Pointer, or None where it does not exist."""
    if not pointer:
        return data
    for token in pointer[1:].split("/"):
        token = unescape_pointer_token(token)
        if isinstance(data, dict):
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            data = data[int(token)]
        else:
            return None
    return data


def _label(element) -> tuple[str, str] | None:
    """(key, value) that names an array element: its first ID_KEYS value, or the scalar itself."""
    if isinstance(element, dict):
        for key in ID_KEYS:
            value = element.get(key)
            if isinstance(value, str) and value.strip():
                return key, value
            if value is not None and not isinstance(value, bool | dict | list) and str(value):
                return key, str(value)
        return None
    if isinstance(element, str | int | Decimal) and not isinstance(element, bool):
        return "", str(element)
    return None


def element_token(items: list, index: int) -> str:
    """An array element's identity token: `[code=2080505]`, `[project=…]`, `[=text]` for a scalar;
    `#n` after it for the n-th of equal labels; the index itself when nothing names it."""
    label = _label(items[index])
    if label is None:
        return str(index)
    nth = sum(1 for e in items[:index] if _label(e) == label)
    token = f"[{label[0]}={label[1]}]" + (f"#{nth + 1}" if nth else "")
    return escape_pointer_token(token)


def identity(data, pointer: str) -> str:
    """The pointer with each array index replaced by the element's identity token:
    `/tables/revenue/rows/3/total` → `/tables/revenue/rows/[code=2080505]/total`. Past a place the
    data does not have, the tokens stay as they are."""
    if not pointer:
        return ""
    out = []
    tokens = pointer[1:].split("/")
    for n, raw in enumerate(tokens):
        token = unescape_pointer_token(raw)
        if isinstance(data, dict):
            out.append(raw)
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit() and int(token) < len(data):
            out.append(element_token(data, int(token)))
            data = data[int(token)]
        else:
            out.extend(tokens[n:])
            break
    return "/" + "/".join(out)


def parse_identity_token(token: str) -> tuple[str, str, int] | None:
    """`[key=value]#n` (unescaped) → (key, value, n); None for a plain key or index."""
    if not token.startswith("["):
        return None
    end = token.rfind("]")
    if end < 0 or "=" not in token[:end]:
        return None
    key, value = token[1:end].split("=", 1)
    rest = token[end + 1 :]
    if rest and not (rest.startswith("#") and rest[1:].isdigit()):
        return None
    return key, value, int(rest[1:]) if rest else 1


def is_identity_pointer(pointer: str) -> bool:
    return any(parse_identity_token(unescape_pointer_token(t)) for t in pointer[1:].split("/"))


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def _value_text(data, pointer: str) -> str:
    return json.dumps(value_at(data, pointer), sort_keys=True, ensure_ascii=False, default=str)


def _unordered_text(value) -> str:
    """The value as JSON with the elements of every array in a canonical order: a finding about a
    whole array (or a table) keeps its fingerprint when the array is only reordered."""

    def canonical(v):
        if isinstance(v, dict):
            return {k: canonical(x) for k, x in v.items()}
        if isinstance(v, list):
            items = [canonical(x) for x in v]
            return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False, default=str))
        return v

    return json.dumps(canonical(value), sort_keys=True, ensure_ascii=False, default=str)


def fingerprint(data, finding: Finding, ident: str | None = None) -> str:
    """A hash of the rule, the finding's identity, the value there and the message: stable when lines
    move or arrays are reordered, new when figures change."""
    ident = identity(data, finding.pointer) if ident is None else ident
    value = _unordered_text(value_at(data, finding.pointer))
    return _digest(finding.rule, ident, value, _unordered_message(finding.message))


# a message lists items in the order the document has them (「A」、「B」…): its parts, sorted
_LIST_SEPARATORS = re.compile(r"[、，,；;：:\s]+")


def _unordered_message(message: str) -> str:
    return "\x1f".join(sorted(_LIST_SEPARATORS.split(message)))


def legacy_fingerprint(data, finding: Finding) -> str:
    """The hash of a version-1 baseline entry (keyed by the array-index pointer)."""
    return _digest(finding.rule, finding.pointer, _value_text(data, finding.pointer), finding.message)


def _doc_key(doc_name: str, base: Path) -> str:
    path = Path(doc_name)
    try:
        return path.resolve().relative_to(base).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


class Baseline:
    """Known findings keyed (document, rule, identity, hash); a key may occur more than once.
    A version-1 baseline's entries are keyed (document, rule, pointer, legacy hash) instead."""

    def __init__(self, path: Path, entries: Counter | None = None, version: int = VERSION):
        self.path = path
        self.base = path.resolve().parent
        self.entries: Counter = entries if entries is not None else Counter()
        self.version = version
        self.checked: set[str] = set()
        self.matched = 0

    @property
    def legacy(self) -> bool:
        """Entries of version 1: matching needs each finding's legacy_fingerprint."""
        return self.version == 1

    def key(self, doc_name: str) -> str:
        return _doc_key(doc_name, self.base)

    def is_known(self, doc_name: str, finding: Finding, digest: str, ident=None, legacy=None) -> bool:
        """ident: the finding's identity(); legacy: its legacy_fingerprint() (a version-1 baseline)."""
        if self.legacy:
            key = (self.key(doc_name), finding.rule, finding.pointer, legacy or digest)
        else:
            key = (self.key(doc_name), finding.rule, finding.pointer if ident is None else ident, digest)
        if self.entries[key] > 0:
            self.entries[key] -= 1
            self.matched += 1
            return True
        return False

    def mark_checked(self, doc_name: str) -> None:
        self.checked.add(self.key(doc_name))

    def fixed(self) -> int:
        """Entries of the documents checked in this run that were not found again."""
        return sum(n for (doc, *_), n in self.entries.items() if doc in self.checked and n > 0)


def _entry_label(pointer: str) -> str:
    """ "findings[N]: " for a pointer into the N-th entry."""
    tokens = pointer.split("/")[1:]
    return f"findings[{tokens[1]}]: " if tokens[:1] == ["findings"] and len(tokens) > 1 else ""


def _parse(text: str, name: str):
    """The baseline's JSON as data (Decimal numbers) and a Document that places a pointer in it.
    Not the document loader: a baseline's counts and versions are judged by its schema, and an
    archive's baseline may hold more values than one document may."""
    try:
        data, objects = loads_recording_objects(text, parse_int=Decimal, parse_float=Decimal)
    except json.JSONDecodeError as err:
        raise InputError(name, f"invalid JSON: {err.msg}", err.lineno, err.colno) from None
    except DuplicateKey:
        try:
            index_json(text, check_duplicates=True)
        except DuplicateKeyAt as dup:
            line, col = LineIndex(text).position(dup.offset)
            raise InputError(name, f"duplicate key {dup.key!r} at {dup.pointer}", line, col) from None
        except RecursionError:
            pass
        raise InputError(name, "duplicate key") from None
    except RecursionError:
        raise InputError(name, "invalid baseline: nested too deeply") from None
    except ValueError as err:  # NaN, Infinity
        raise InputError(name, f"invalid JSON: {err}") from None
    return data, Document(name, data, text, "json", _objects=objects)


def load_baseline(path: Path) -> Baseline:
    """Read a baseline and validate it against its JSON Schema (budgetlint/schema/
    baseline.schema.json) as a document is: InputError at the problem's line:column, a wrong format
    or version said before anything else. Version 2 is what BaselineWriter writes; version 1, whose
    entries name a pointer instead of an identity, is still matched, and `--write-baseline`
    rewrites it as version 2."""
    from budgetlint.schema.inputs import first, problems

    name = str(path)
    try:
        raw = read_file(path, name)
    except InputError as err:
        if err.message == "no such file":
            raise InputError(name, "no such baseline file (write one with --write-baseline)") from None
        raise
    payload, doc = _parse(decode(raw, name), name)
    try:
        found = problems("baseline", payload)
    except RecursionError:  # nested too deeply for a validator (a list of lists …)
        raise InputError(name, "invalid baseline: nested too deeply") from None
    problem = first(found, doc.position, before=("", "/format", "/version"))
    if problem is not None:
        try:
            line, col = doc.position(problem.pointer)
        except RecursionError:
            line = col = None
        raise InputError(name, _entry_label(problem.pointer) + problem.message, line, col)
    version = int(payload["version"])
    where = "pointer" if version == 1 else "id"
    entries: Counter = Counter()
    for e in payload.get("findings") or []:
        entries[(e["file"], e["rule"], e[where], e["hash"])] += int(e.get("count", 1))
    return Baseline(path, entries, version)


class BaselineWriter:
    """Writes version 2: each entry {file, rule, id, pointer, hash[, count]}; `id` and `hash` match,
    `pointer` (the place when written) is for the reader."""

    def __init__(self, path: Path):
        self.path = path
        self.base = path.resolve().parent
        self.entries: Counter = Counter()

    def add(self, doc_name: str, finding: Finding, digest: str, ident: str | None = None) -> None:
        ident = finding.pointer if ident is None else ident
        self.entries[(_doc_key(doc_name, self.base), finding.rule, ident, digest, finding.pointer)] += 1

    def write(self) -> int:
        findings = []
        merged: Counter = Counter()
        pointers: dict = {}
        for (file, rule, ident, digest, pointer), n in sorted(self.entries.items()):
            merged[(file, rule, ident, digest)] += n
            pointers.setdefault((file, rule, ident, digest), pointer)
        for key, n in sorted(merged.items()):
            file, rule, ident, digest = key
            entry = {"file": file, "rule": rule, "id": ident, "pointer": pointers[key], "hash": digest}
            if n > 1:
                entry["count"] = n
            findings.append(entry)
        payload = {"format": FORMAT, "version": VERSION, "findings": findings}
        text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
        try:
            write_text(self.path, text)
        except OSError as err:
            raise InputError(str(self.path), f"cannot write the baseline: {err.strerror or err}") from None
        return sum(self.entries.values())
