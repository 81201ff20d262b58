"""Rule tests as data: a case names a document, a small patch to it, and the findings expected."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from budgetlint.engine import Settings, rule_findings
from budgetlint.findings import Finding, unescape_pointer_token
from budgetlint.loader import Document, InputError, load_path
from budgetlint.rulebook import Rulebook


class CaseError(Exception):
    """A case file that cannot be used (bad YAML, a case its schema refuses, unknown sample, a
    patch that does not apply); rendered `file:line:col: error: message` when it has a place."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None, column=None):
        self.message, self.file, self.line, self.column = message, file, line, column
        super().__init__(self.render())

    @classmethod
    def of(cls, err: InputError) -> CaseError:
        return cls(err.message, err.file, err.line, err.column)

    def render(self) -> str:
        if self.file is None:
            return self.message
        where = self.file if self.line is None else f"{self.file}:{self.line}:{self.column or 1}"
        return f"{where}: error: {self.message}"


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
    # the profile the case runs under (the rules under test run only if they apply to it, as under
    # `check --profile`); None: the document's own profile, else national
    profile: str | None = None
    # run settings the rules read through setting(…): (name, value), e.g. (("rounding_per_item", 0.01),)
    settings: tuple[tuple[str, Decimal], ...] = ()
    # (rule, pointer, text): the message of that expected finding must not contain the text (a
    # stray unit, a placeholder, the wrong one of two wordings)
    lacking: tuple[tuple[str, str, str], ...] = ()

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


def _pairs(raw) -> tuple[tuple[str, str], ...] | None:
    if raw is None:
        return None
    return tuple(sorted((item["rule"], item.get("pointer", "")) for item in raw))


def _messages(item: dict, key: str = "message") -> tuple[tuple[str, str, str], ...]:
    """The `message:` (or `message_lacks:`) texts of a case's expected findings (in expect or
    expect_new)."""
    out = []
    for raw in (item.get("expect") or []) + (item.get("expect_new") or []):
        if key in raw:
            out.append((raw["rule"], raw.get("pointer", ""), raw[key]))
    return tuple(out)


def _label(pointer: str) -> str:
    index = pointer.split("/")[1:2]
    return f"case {int(index[0]) + 1}: " if index and index[0].isdigit() else ""


def _settings(item: dict, bad) -> tuple[tuple[str, Decimal], ...]:
    from budgetlint.loader import number_out_of_range

    out = []
    for name, value in (item.get("settings") or {}).items():
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise bad(f"'{name}' is a number ≥ 0, got {value!r}", f"settings/{name}") from None
        problem = number_out_of_range(number) if number.is_finite() and number >= 0 else "not a number ≥ 0"
        if problem:
            raise bad(f"'{name}': {problem}", f"settings/{name}")
        out.append((name, number))
    return tuple(out)


def load_cases(path: Path) -> list[Case]:
    """Read a case file and validate it against its JSON Schema (budgetlint/schema/cases.schema.json)
    as a document is; CaseError at the case's or the key's line:column."""
    from budgetlint.loader import check_input
    from budgetlint.profiles import PROFILES, is_known

    try:
        doc = load_path(path)
        check_input(doc, "cases", _label)
    except InputError as err:
        raise CaseError.of(err) from None
    cases = []
    for i, item in enumerate(doc.data):

        def bad(message: str, key: str | None = None, i=i) -> CaseError:
            line, column = doc.position(f"/{i}/{key}" if key else f"/{i}")
            return CaseError(f"case {i + 1}: {message}", doc.name, line, column)

        rules = item["rule"] if isinstance(item["rule"], list) else [item["rule"]]
        sample = item.get("sample")
        if (sample is None) == ("document" not in item):
            raise bad("give either 'sample' (a path) or 'document' (inline)")
        if "expect" not in item and "expect_new" not in item:
            raise bad("give 'expect' (all findings) or 'expect_new' (added by the patch)")
        profile = item.get("profile")
        if profile is not None and not is_known(profile):
            known = ", ".join(PROFILES)
            raise bad(f"'profile' {profile!r} is not one of {known}, nor a year of one of them", "profile")
        cases.append(
            Case(
                str(path),
                i,
                str(item["name"]),
                tuple(rules),
                (path.parent / sample).resolve() if sample else None,
                item.get("document"),
                tuple(item.get("patch") or ()),
                _pairs(item.get("expect")),
                _pairs(item.get("expect_new")),
                _messages(item),
                profile,
                _settings(item, bad),
                _messages(item, "message_lacks"),
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
        raise CaseError.of(err) from None


def _findings_for(case: Case, data, rulebook: Rulebook) -> list[Finding]:
    """The findings of the rules under test (their rule-errors included), under the case's profile
    and settings; no other rule runs."""
    doc = Document.in_memory(str(case.sample or "<inline>"), data)
    settings = Settings(case.profile, **dict(case.settings))
    return rule_findings(doc, rulebook.only(case.rules), settings=settings)


def _located(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.rule, f.pointer) for f in findings)


def _wrong_message(case: Case, findings: list[Finding]) -> str:
    """Why an expected message is not there ("" when every one is)."""
    for rule, pointer, text in case.messages:
        said = [f.message for f in findings if f.rule == rule and f.pointer == pointer]
        if not any(text in m for m in said):
            got = f"; it says: {said[0]}" if said else ""
            return f"the message of {rule} at {pointer or '(document)'} does not contain {text!r}{got}"
    for rule, pointer, text in case.lacking:
        said = [f.message for f in findings if f.rule == rule and f.pointer == pointer]
        wrong = [m for m in said if text in m]
        if wrong:
            where = pointer or "(document)"
            return f"the message of {rule} at {where} contains {text!r}; it says: {wrong[0]}"
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
