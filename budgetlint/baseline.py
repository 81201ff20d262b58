"""Baselines: record today's findings of an archive, then report only the new ones."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from budgetlint.atomic import write_text
from budgetlint.findings import Finding, unescape_pointer_token
from budgetlint.loader import InputError

FORMAT = "budgetlint-baseline"
VERSION = 1


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


def fingerprint(data, finding: Finding) -> str:
    """A hash of the values involved and the message: stable when lines move, new when figures change."""
    value = json.dumps(value_at(data, finding.pointer), sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(f"{finding.rule}\0{finding.pointer}\0{value}\0{finding.message}".encode())
    return digest.hexdigest()[:16]


def _doc_key(doc_name: str, base: Path) -> str:
    path = Path(doc_name)
    try:
        return path.resolve().relative_to(base).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


class Baseline:
    """Known findings keyed (document, rule, pointer, hash); a key may occur more than once."""

    def __init__(self, path: Path, entries: Counter | None = None):
        self.path = path
        self.base = path.resolve().parent
        self.entries: Counter = entries if entries is not None else Counter()
        self.checked: set[str] = set()
        self.matched = 0

    def key(self, doc_name: str) -> str:
        return _doc_key(doc_name, self.base)

    def is_known(self, doc_name: str, finding: Finding, digest: str) -> bool:
        key = (self.key(doc_name), finding.rule, finding.pointer, digest)
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


MAX_COUNT = 10**9


def load_baseline(path: Path) -> Baseline:
    """Read a baseline; InputError naming the file (and the entry) for anything but the shape
    BaselineWriter writes."""
    from decimal import Decimal

    from budgetlint.loader import read_file

    name = str(path)
    try:
        raw = read_file(path, name)
    except InputError as err:
        if err.message == "no such file":
            raise InputError(name, "no such baseline file (write one with --write-baseline)") from None
        raise
    try:
        payload = json.loads(raw.decode("utf-8"), parse_int=Decimal, parse_float=Decimal)
    except json.JSONDecodeError as err:
        raise InputError(name, f"invalid JSON: {err.msg}", err.lineno, err.colno) from None
    except UnicodeDecodeError as err:
        raise InputError(name, f"cannot read: {err}") from None
    except RecursionError:
        raise InputError(name, "invalid baseline: nested too deeply") from None
    except ValueError as err:  # NaN, Infinity
        raise InputError(name, f"invalid JSON: {err}") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InputError(name, f'not a budgetlint baseline (expected "format": "{FORMAT}")')
    version = payload.get("version")
    if version != VERSION or isinstance(version, bool):
        shown = str(version)[:20] if isinstance(version, Decimal | str) else type(version).__name__
        raise InputError(name, f"baseline version {shown} is not supported (use {VERSION})")
    findings = payload.get("findings")
    if findings is None:
        findings = []
    if not isinstance(findings, list):
        raise InputError(name, '"findings" must be a list of entries')
    entries: Counter = Counter()
    for i, e in enumerate(findings):
        keys = ("file", "rule", "pointer", "hash")
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in keys):
            raise InputError(name, f"findings[{i}]: each entry needs file, rule, pointer and hash (text)")
        count = e.get("count", Decimal(1))
        if (
            not isinstance(count, Decimal)
            or not count.is_finite()
            or count != count.to_integral_value()
            or not 1 <= count <= MAX_COUNT
        ):
            raise InputError(name, f"findings[{i}]: count must be a whole number from 1 to {MAX_COUNT:,}")
        entries[(e["file"], e["rule"], e["pointer"], e["hash"])] += int(count)
    return Baseline(path, entries)


class BaselineWriter:
    def __init__(self, path: Path):
        self.path = path
        self.base = path.resolve().parent
        self.entries: Counter = Counter()

    def add(self, doc_name: str, finding: Finding, digest: str) -> None:
        self.entries[(_doc_key(doc_name, self.base), finding.rule, finding.pointer, digest)] += 1

    def write(self) -> int:
        findings = []
        for (file, rule, pointer, digest), n in sorted(self.entries.items()):
            entry = {"file": file, "rule": rule, "pointer": pointer, "hash": digest}
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
