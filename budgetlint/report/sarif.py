"""SARIF 2.1.0 output: rule metadata (titles, basis, help) and each finding with line:column and pointer."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from budgetlint import __version__
from budgetlint.findings import SEVERITIES, at_or_above, message_in
from budgetlint.report import Reporter
from budgetlint.report.printable import json_printable

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# findings that come from no rule file: schema violations, broken rules, waivers to look at
SPECIAL = {
    "schema": (
        "文档不符合文档模型（JSON Schema）",
        "The document does not match the document model",
        "error",
    ),
    "rule-error": ("规则运行出错", "A rule failed while checking a document", "error"),
    "waiver": ("豁免条目需复核", "A waiver is expired or matches nothing", "warning"),
}


def _dump(value, indent: str) -> str:
    text = json_printable(json.dumps(value, ensure_ascii=False, indent=2))
    return text.replace("\n", "\n" + indent)


def repository_root() -> Path:
    """The root of the git work tree of the working folder (as GitHub code scanning names files),
    else the working folder."""
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=30
        )
        if proc.returncode == 0 and proc.stdout.strip():
            return Path(proc.stdout.strip()).resolve()
    except (OSError, subprocess.SubprocessError):
        pass
    return Path.cwd().resolve()


def artifact(path: str, root: Path | None = None) -> dict:
    """A file relative to the repository root (uriBaseId %SRCROOT%), wherever budgetlint ran and
    however the file was named; a file outside it by its file:// URI."""
    posix = path.replace("\\", "/")
    if root is not None and os.path.exists(path):
        try:
            relative = Path(os.path.realpath(path)).relative_to(root)
            return {"uri": quote(relative.as_posix()), "uriBaseId": "%SRCROOT%"}
        except ValueError:
            return {"uri": Path(os.path.realpath(path)).as_uri()}
    if PurePosixPath(posix).is_absolute():
        return {"uri": "file://" + quote(posix)}
    return {"uri": quote(posix), "uriBaseId": "%SRCROOT%"}


def rule_descriptor(info) -> dict:
    help_text = (
        f"{info.title}\n{info.title_en}\n\n依据 / basis: {info.basis}\n\n{(info.doc or '').strip()}".strip()
    )
    return {
        "id": info.id,
        "name": info.title_en,
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.title_en},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": LEVELS.get(info.severity, "warning")},
        "properties": {
            "tags": list(info.tags),
            "basis": info.basis,
            "title": info.title,
            "title_en": info.title_en,
        },
    }


def special_descriptor(rule_id: str) -> dict:
    title, title_en, severity = SPECIAL[rule_id]
    return {
        "id": rule_id,
        "name": title_en,
        "shortDescription": {"text": title},
        "fullDescription": {"text": title_en},
        "help": {"text": f"{title}\n{title_en}"},
        "defaultConfiguration": {"level": LEVELS[severity]},
    }


class SarifReporter(Reporter):
    def begin(self) -> None:
        descriptors = [rule_descriptor(i) for i in sorted(self.rules.values(), key=lambda i: i.id)]
        descriptors += [special_descriptor(r) for r in SPECIAL]
        self.index = {d["id"]: n for n, d in enumerate(descriptors)}
        driver = {
            "name": "budgetlint",
            "version": __version__,
            "rules": descriptors,
        }
        head = {"$schema": SCHEMA_URI, "version": "2.1.0"}
        text = json.dumps(head, indent=2)[:-2]
        tool = _dump({"driver": driver}, "      ")
        self.root = repository_root()
        bases = _dump({"%SRCROOT%": {"uri": self.root.as_uri().rstrip("/") + "/"}}, "      ")
        self.out.write(f'{text},\n  "runs": [\n    {{\n      "tool": {tool},\n')
        self.out.write(f'      "originalUriBaseIds": {bases},\n')
        self.out.write('      "columnKind": "unicodeCodePoints",\n      "results": [')
        self.first = True

    def result(self, item) -> dict:
        f = item.finding
        location: dict = {
            "physicalLocation": {
                "artifactLocation": artifact(f.file, self.root),
                "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
            }
        }
        if f.pointer:
            location["logicalLocations"] = [{"fullyQualifiedName": f.pointer, "kind": "element"}]
        out: dict = {"ruleId": f.rule}
        if f.rule in self.index:
            out["ruleIndex"] = self.index[f.rule]
        text = message_in(f, self.lang)  # in the chosen language; both in the properties
        out.update(level=LEVELS.get(f.severity, "warning"), message={"text": text}, locations=[location])
        if f.message_en:
            out["properties"] = {"message": f.message, "message_en": f.message_en}
        if item.fingerprint:
            out["partialFingerprints"] = {"budgetlint/v2": item.fingerprint}
        if item.waived is not None:
            suppression = {"kind": "external", "status": "accepted", "justification": item.waived.reason}
            if item.waived.approved_by:
                suppression["properties"] = {"approved_by": item.waived.approved_by}
            out["suppressions"] = [suppression]
        return out

    def file(self, name, items, document: bool = True) -> None:
        for item in items:
            text = _dump(self.result(item), "        ")
            self.out.write(("\n" if self.first else ",\n") + "        " + text)
            self.first = False

    def end(self, summary) -> None:
        closing = "]" if self.first else "\n      ]"
        ok = not any(summary.counts[s] for s in SEVERITIES if at_or_above(s, self.fail_on))
        invocation = json.dumps([{"executionSuccessful": True, "exitCode": 0 if ok else 1}])
        self.out.write(f'{closing},\n      "invocations": {invocation}\n    }}\n  ]\n}}\n')
