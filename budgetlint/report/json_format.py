"""JSON output, a documented and versioned shape (docs/output-formats.md), written as it goes."""

from __future__ import annotations

import json

from budgetlint import __version__
from budgetlint.report import Reporter
from budgetlint.report.printable import json_printable

FORMAT_VERSION = 1


def finding_object(item) -> dict:
    """A finding as JSON: `message` as the rule gives it (Chinese for the built-in rules) and
    `message_en` its English (null when the rule gives none, and for schema, waiver and
    rule-error findings, whose message is already English); both whatever --lang says."""
    f = item.finding
    waived = None
    if item.waived is not None:
        waived = {"reason": item.waived.reason, "approved_by": item.waived.approved_by}
    return {
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "rule": f.rule,
        "severity": f.severity,
        "message": f.message,
        "message_en": f.message_en or None,
        "pointer": f.pointer,
        "title": f.title_en,
        "waived": waived,
    }


def _dump(value, indent: int) -> str:
    text = json_printable(json.dumps(value, ensure_ascii=False, indent=2))
    return text.replace("\n", "\n" + " " * indent)


class JsonReporter(Reporter):
    def begin(self) -> None:
        self.files: list[str] = []
        self.first = True
        tool = _dump({"name": "budgetlint", "version": __version__}, 2)
        self.out.write(
            f'{{\n  "format": "budgetlint-findings",\n  "version": {FORMAT_VERSION},\n  "tool": {tool},\n'
            '  "findings": ['
        )

    def file(self, name, items, document: bool = True) -> None:
        if document:
            self.files.append(name)
        for item in items:
            self.out.write(("\n" if self.first else ",\n") + "    " + _dump(finding_object(item), 4))
            self.first = False

    def end(self, summary) -> None:
        self.out.write("]" if self.first else "\n  ]")
        payload = {
            "files": summary.files,
            "findings": summary.findings,
            "error": summary.counts["error"],
            "warning": summary.counts["warning"],
            "info": summary.counts["info"],
            "waived": summary.waived,
            "by_rule": dict(sorted(summary.by_rule.items())),
        }
        if summary.baseline_known is not None:
            payload["baseline"] = {"known": summary.baseline_known, "fixed": summary.baseline_fixed}
        self.out.write(f',\n  "files": {_dump(self.files, 2)},\n  "summary": {_dump(payload, 2)}\n}}\n')
