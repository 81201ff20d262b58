"""Rule tests as data: a case names a document, a small patch to it, and the findings expected."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from budgetlint.engine import rule_findings
from budgetlint.findings import Finding, unescape_pointer_token
from budgetlint.loader import Document, InputError, load_path
from budgetlint.rulebook import Rulebook


class CaseError(Exception):
    """A case file that cannot be used (bad YAML, unknown sample, a patch that does not apply)."""


@dataclass(frozen=True)
class Case:
    file: str
    index: int
    name: str
    rules: tuple[str, ...]
    sample: Path | None
    document: object | None
    patch: tuple[dict, ...]
    expect: tuple[tuple[str, str], ...] | None  # exact findings of the rules under test
    expect_new: tuple[tuple[str, str], ...] | None = None  # findings added by the patch
    # (rule, pointer, text): the message of that expected finding must contain the text, so a
    # case can pin the arithmetic or quotation a message gives, not only where it points
    messages: tuple[tuple[str, str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.file}::{self.name}"

    @property
    def failing(self) -> bool:
        return bool(self.expect) or bool(self.expect_new)


@dataclass
class CaseResult:
    case: Case
    passed: bool
    got: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""
    findings: list[Finding] = field(default_factory=list)  # of the patched document, with messages


def case_files(paths) -> list[Path]:
    """The case files of files and folders, each once (a folder and a file in it may both be named)."""
    found: dict[Path, Path] = {}
    for path in map(Path, paths):
        named = [path] if path.name.endswith(".cases.yaml") else []
        for f in sorted(path.rglob("*.cases.yaml")) if path.is_dir() else named:
            found.setdefault(f.resolve(), f)
    return list(found.values())


def _pairs(raw, where: str) -> tuple[tuple[str, str], ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise CaseError(f"{where}: expected a list of {{rule, pointer}}")
    out = []
    for item in raw:
        if not isinstance(item, dict) or "rule" not in item:
            raise CaseError(f"{where}: each expected finding needs 'rule' (and 'pointer')")
        out.append((str(item["rule"]), str(item.get("pointer", ""))))
    return tuple(sorted(out))


def _messages(item: dict, where: str) -> tuple[tuple[str, str, str], ...]:
    """The `message:` texts of a case's expected findings (in expect or expect_new)."""
    out = []
    for raw in (item.get("expect") or []) + (item.get("expect_new") or []):
        if isinstance(raw, dict) and "message" in raw:
            if not isinstance(raw["message"], str) or not raw["message"]:
                raise CaseError(f"{where}: 'message' is a text the finding's message must contain")
            out.append((str(raw["rule"]), str(raw.get("pointer", "")), raw["message"]))
    return tuple(out)


def load_cases(path: Path) -> list[Case]:
    try:
        doc = load_path(path)
    except InputError as err:
        raise CaseError(err.render()) from None
    raw = doc.data
    if not isinstance(raw, list):
        raise CaseError(f"{path}: a case file is a list of cases")
    cases = []
    for i, item in enumerate(raw):
        where = f"{path}: case {i + 1}"
        if not isinstance(item, dict) or "rule" not in item or "name" not in item:
            raise CaseError(f"{where}: each case needs 'name' and 'rule'")
        rules = item["rule"] if isinstance(item["rule"], list) else [item["rule"]]
        sample = item.get("sample")
        if (sample is None) == ("document" not in item):
            raise CaseError(f"{where}: give either 'sample' (a path) or 'document' (inline)")
        if "expect" not in item and "expect_new" not in item:
            raise CaseError(f"{where}: give 'expect' (all findings) or 'expect_new' (added by the patch)")
        cases.append(
            Case(
                str(path),
                i,
                str(item["name"]),
                tuple(str(r) for r in rules),
                (path.parent / sample).resolve() if sample else None,
                item.get("document"),
                tuple(item.get("patch") or ()),
                _pairs(item.get("expect"), where),
                _pairs(item.get("expect_new"), where),
                _messages(item, where),
            )
        )
    return cases


@lru_cache(maxsize=32)
def _sample(path: Path) -> Document:
    return load_path(path)


def _walk(data, pointer: str):
    if not pointer.startswith("/"):
        raise CaseError(f"patch path must start with '/': {pointer!r}")
    tokens = [unescape_pointer_token(t) for t in pointer[1:].split("/")]
    parent = data
    for t in tokens[:-1]:
        parent = parent[int(t)] if isinstance(parent, list) else parent[t]
    return parent, tokens[-1]


def _get(parent, key):
    return parent[int(key)] if isinstance(parent, list) else parent[key]


def _remove(data, path: str):
    parent, key = _walk(data, path)
    return parent.pop(int(key) if isinstance(parent, list) else key)


def _add(data, path: str, value, replace: bool) -> None:
    parent, key = _walk(data, path)
    if isinstance(parent, list):
        if key == "-":
            parent.append(value)
        elif replace:
            parent[int(key)] = value
        else:
            parent.insert(int(key), value)
    else:
        if replace and key not in parent:
            raise KeyError(key)
        parent[key] = value


def apply_patch(data, patch) -> object:
    """Apply a JSON Patch (RFC 6902: add, remove, replace, move, copy) to a deep copy."""
    data = copy.deepcopy(data)
    for op in patch:
        try:
            kind = op["op"]
            if kind == "remove":
                _remove(data, op["path"])
            elif kind in ("add", "replace"):
                _add(data, op["path"], op["value"], replace=kind == "replace")
            elif kind == "move":
                _add(data, op["path"], _remove(data, op["from"]), replace=False)
            elif kind == "copy":
                source_parent, source_key = _walk(data, op["from"])
                _add(data, op["path"], copy.deepcopy(_get(source_parent, source_key)), replace=False)
            else:
                raise CaseError(f"unknown patch op {kind!r} (use add, remove, replace, move, copy)")
        except (KeyError, IndexError, ValueError, TypeError) as err:
            raise CaseError(f"patch {op} does not apply: {err!r}") from None
    return data


def _document(case: Case) -> Document:
    if case.sample is None:
        return Document.in_memory("<inline>", case.document)
    try:
        return _sample(case.sample)
    except InputError as err:
        raise CaseError(err.render()) from None


def _findings_for(case: Case, data, rulebook: Rulebook) -> list[Finding]:
    """The findings of the rules under test (their rule-errors included); no other rule runs."""
    doc = Document.in_memory(str(case.sample or "<inline>"), data)
    return rule_findings(doc, rulebook.only(case.rules))


def _located(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.rule, f.pointer) for f in findings)


def _wrong_message(case: Case, findings: list[Finding]) -> str:
    """Why an expected message is not there ("" when every one is)."""
    for rule, pointer, text in case.messages:
        said = [f.message for f in findings if f.rule == rule and f.pointer == pointer]
        if not any(text in m for m in said):
            got = f"; it says: {said[0]}" if said else ""
            return f"the message of {rule} at {pointer or '(document)'} does not contain {text!r}{got}"
    return ""


def run_case(case: Case, rulebook: Rulebook) -> CaseResult:
    unknown = [r for r in case.rules if rulebook.by_id(r) is None]
    if unknown:
        return CaseResult(case, False, problem=f"unknown rule id(s): {', '.join(unknown)}")
    try:
        base = _document(case)
        patched = apply_patch(base.data, case.patch)
    except CaseError as err:
        return CaseResult(case, False, problem=str(err))
    findings = _findings_for(case, patched, rulebook)
    got = _located(findings)
    if case.expect is not None and tuple(got) != case.expect:
        return CaseResult(case, False, got, "findings differ from 'expect'")
    if case.expect_new is not None:
        before = _located(_findings_for(case, base.data, rulebook))
        added = list(got)
        for f in before:
            if f in added:
                added.remove(f)
        if tuple(sorted(added)) != case.expect_new:
            return CaseResult(case, False, sorted(added), "new findings differ from 'expect_new'")
    wrong = _wrong_message(case, findings)
    if wrong:
        return CaseResult(case, False, got, wrong, findings)
    return CaseResult(case, True, got, findings=findings)
