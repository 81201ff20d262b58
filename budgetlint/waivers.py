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
from budgetlint.loader import InputError, check_input, load_path

KEYS = ("document", "rule", "pointer", "reason", "approved_by", "expires")  # as waivers.schema.json


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
        # the waivers of this rule that name this document, in file order: from the smaller side
        # (a document is named by a few of 100,000 waivers; a rule may have thousands)
        if len(matching) < len(candidates):
            in_order = sorted(i for i in matching if self.entries[i].rule == finding.rule)
        else:
            in_order = [i for i in candidates if i in matching]
        for i in in_order:
            w = self.entries[i]
            if not w.points_at(finding, ident):
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


def _entry_label(pointer: str) -> str:
    """ "waiver N: " for a pointer into the N-th entry (of the list, or of `waivers:`)."""
    tokens = pointer.split("/")[1:]
    if tokens[:1] == ["waivers"]:
        tokens = tokens[1:]
    return f"waiver {int(tokens[0]) + 1}: " if tokens and tokens[0].isdigit() else ""


def load_waivers(path: Path, display: str | None = None, today: date | None = None) -> Waivers:
    """Read a waivers file and validate it against its JSON Schema (budgetlint/schema/
    waivers.schema.json) as a document is; raises InputError at the entry's or the key's line:column."""
    display = display or str(path)
    doc = load_path(path, display)
    check_input(doc, "waivers", _entry_label)
    raw = doc.data
    base = "/waivers" if isinstance(raw, dict) else ""
    entries = []
    for i, item in enumerate(raw["waivers"] if isinstance(raw, dict) else raw):
        line, col = doc.position(f"{base}/{i}")
        pointer = item.get("pointer")
        expires = item.get("expires")
        if expires is not None:  # the schema holds it to YYYY-MM-DD; a 13th month is refused here
            try:
                expires = date.fromisoformat(expires)
            except ValueError:
                raise InputError(
                    display,
                    f"waiver {i + 1}: 'expires' must be a date YYYY-MM-DD, got {item['expires']!r}",
                    *doc.position(f"{base}/{i}/expires"),
                ) from None
        waiver = Waiver(
            line,
            col,
            item["document"],
            item["rule"],
            pointer,
            item["reason"].strip(),
            item.get("approved_by"),
            expires,
        )
        waiver.by_identity = pointer is not None and is_identity_pointer(pointer)
        entries.append(waiver)
    return Waivers(path, display, entries, today)
