"""JSON output, a documented and versioned shape (docs/output-formats.md)."""

from __future__ import annotations

import json

from budgetlint import __version__

FORMAT_VERSION = 1


def render(results, rulebook=None) -> str:
    counts = results.counts()
    payload = {
        "format": "budgetlint-findings",
        "version": FORMAT_VERSION,
        "tool": {"name": "budgetlint", "version": __version__},
        "files": list(results.files),
        "findings": [
            {
                "file": f.file,
                "line": f.line,
                "column": f.column,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "pointer": f.pointer,
                "title": f.title_en,
            }
            for f in results.findings
        ],
        "summary": {
            "files": len(results.files),
            "findings": len(results.findings),
            "error": counts["error"],
            "warning": counts["warning"],
            "info": counts["info"],
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
