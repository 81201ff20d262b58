"""Waivers: findings an accountable person has accepted, kept in a sidecar YAML file."""

from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass
from datetime import date
from fnmatch import fnmatchcase, translate
from pathlib import Path

from budgetlint.baseline import is_identity_pointer
from budgetlint.findings import Finding
from budgetlint.loader import InputError, load_path

KEYS = ("document", "rule", "pointer", "reason", "approved_by", "expires")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Waiver:
    line: int
    column: int
    document: str  # a glob, relative to the waivers file's folder; `*` crosses folders
    rule: str
    pointer: str | None  # None: every pointer
    reason: str
    approved_by: str | None = None
    expires: date | None = None
    relevant: bool = False  # its document glob matched a checked document
    used: int = 0
    # the pointer names array elements by identity (`/performance_goals/[project=…]/…`, as a
    # baseline's `id`): it matches the finding's identity, which survives reordering the arrays
    by_identity: bool = False

    def points_at(self, finding: Finding, ident: str | None = None) -> bool:
        if self.pointer is None:
            return True
        return (ident if self.by_identity else finding.pointer) == self.pointer

    def covers(self, doc_key: str, finding: Finding, ident: str | None = None) -> bool:
        return (
            finding.rule == self.rule
            and self.points_at(finding, ident)
            and fnmatchcase(doc_key, self.document)
        )


class Waivers:
    """The waivers of a run, indexed so that a finding is compared with the waivers of its rule
    whose document glob matches its document, not with every waiver: each distinct glob is
    compiled once and matched once per document (100,000 waivers took 40 s)."""

    def __init__(self, path: Path, display: str, entries: list[Waiver], today: date | None = None):
        self.path, self.display, self.entries = path, display, entries
        self.base = path.resolve().parent
        self.today = today or date.today()
        self._globbed: dict[str, bool] = {}
        self._by_rule: dict[str, list[int]] = {}  # rule → its waivers, in file order
        self._literal: dict[str, list[int]] = {}  # a document named without wildcards → waivers
        self._patterns: dict[str, list[int]] = {}  # a glob → its waivers
        for i, w in enumerate(entries):
            self._by_rule.setdefault(w.rule, []).append(i)
            kind = self._patterns if any(c in w.document for c in "*?[") else self._literal
            kind.setdefault(w.document, []).append(i)
        self._compiled: list | None = None
        self._last: tuple[str, set[int]] | None = None  # the last document's matching waivers

    def key(self, doc_name: str) -> str:
        """A document's path as the waivers file names it: relative to its folder when possible."""
        path = Path(doc_name)
        try:
            return path.resolve().relative_to(self.base).as_posix()
        except (ValueError, OSError):
            return path.as_posix()

    def _matching(self, key: str) -> set[int]:
        """The waivers whose document glob matches the document key."""
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        if self._compiled is None:
            self._compiled = [(re.compile(translate(p)).match, ids) for p, ids in self._patterns.items()]
        hit = set(self._literal.get(key, ()))
        for match, ids in self._compiled:
            if match(key):
                hit.update(ids)
        self._last = (key, hit)
        return hit

    def find(self, doc_name: str, finding: Finding, ident: str | None = None) -> Waiver | None:
        """The waiver of a finding; ident: the finding's identity (baseline.identity), which a
        waiver's pointer written by identity is compared with."""
        candidates = self._by_rule.get(finding.rule)
        if not candidates:
            return None
        matching = self._matching(self.key(doc_name))
        for i in candidates:
            w = self.entries[i]
            if i not in matching or not w.points_at(finding, ident):
                continue
            if w.expires is None or w.expires >= self.today:
                w.used += 1
                return w
        return None

    def mark_checked(self, doc_name: str) -> None:
        for i in self._matching(self.key(doc_name)):
            self.entries[i].relevant = True

    def _names_a_file(self, pattern: str) -> bool:
        """Whether the document glob names an existing file (absolute, or under the waivers
        file's folder); each distinct pattern is looked up once."""
        known = self._globbed.get(pattern)
        if known is None:
            path = os.path.join(self.base, pattern)  # an absolute pattern stays as it is
            try:
                if glob.has_magic(path):
                    known = next(glob.iglob(path, recursive=True), None) is not None
                else:
                    known = os.path.exists(path)
            except (OSError, ValueError):  # a name too long, a NUL
                known = False
            self._globbed[pattern] = known
        return known

    def problems(self) -> list[Finding]:
        """Waivers that are expired, or that waived nothing in a document this run checked, or
        whose document glob names no file at all (a typo would otherwise never be noticed)."""
        out = []
        for w in self.entries:
            what = f"{w.rule} {w.document}{' ' + w.pointer if w.pointer else ''}"
            if w.expires is not None and w.expires < self.today and w.relevant:
                message = f"豁免已于 {w.expires.isoformat()} 到期（{what}）：请复核后续期或删除"
            elif w.relevant and not w.used:
                message = f"豁免未匹配任何问题（{what}）：问题可能已修正，请删除此条"
            elif not w.relevant and not self._names_a_file(w.document):
                message = f"豁免所指文件不存在（{what}）：请更正 document"
            else:
                continue
            out.append(Finding(self.display, w.line, w.column, "waiver", "warning", message, "", "Waiver"))
        return out


def load_waivers(path: Path, display: str | None = None, today: date | None = None) -> Waivers:
    """Read and check a waivers file; raises InputError naming the file, entry line and key."""
    display = display or str(path)
    doc = load_path(path, display)
    raw = doc.data
    if isinstance(raw, dict) and set(raw) == {"waivers"}:
        raw, base = raw["waivers"], "/waivers"
    else:
        base = ""
    if not isinstance(raw, list):
        raise InputError(display, "a waivers file is a list of entries (document, rule, reason …)", 1, 1)
    entries = []
    for i, item in enumerate(raw):
        line, col = doc.position(f"{base}/{i}")

        def bad(message: str, key: str | None = None, line=line, col=col, i=i):
            where = doc.position(f"{base}/{i}/{key}") if key else (line, col)
            return InputError(display, f"waiver {i + 1}: {message}", *where)

        if not isinstance(item, dict):
            raise bad("expected a mapping with document, rule and reason")
        for key in item:
            if key not in KEYS:
                raise bad(f"unknown key '{key}' (known: {', '.join(KEYS)})", key)
        for key in ("document", "rule", "reason"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise bad(f"'{key}' is required (text)", key if key in item else None)
        pointer = item.get("pointer")
        if pointer is not None and (
            not isinstance(pointer, str) or (pointer and not pointer.startswith("/"))
        ):
            raise bad("'pointer' is a JSON Pointer such as /narrative/revenue/total", "pointer")
        approved = item.get("approved_by")
        if approved is not None and not isinstance(approved, str):
            raise bad("'approved_by' is text", "approved_by")
        expires = item.get("expires")
        if expires is not None:
            text = str(expires)
            try:
                if not _DATE.match(text):
                    raise ValueError
                expires = date.fromisoformat(text)
            except ValueError:
                raise bad(f"'expires' must be a date YYYY-MM-DD, got {text!r}", "expires") from None
        waiver = Waiver(
            line, col, item["document"], item["rule"], pointer, item["reason"].strip(), approved, expires
        )
        waiver.by_identity = pointer is not None and is_identity_pointer(pointer)
        entries.append(waiver)
    return Waivers(path, display, entries, today)
