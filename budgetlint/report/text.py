"""Text output: `file:line:col: severity RULE-ID message`, then a summary line."""

from __future__ import annotations

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m"}
_RESET = "\x1b[0m"


def summary(results) -> str:
    counts = results.counts()
    n_files = len(results.files)
    files = f"{n_files} file" + ("" if n_files == 1 else "s")
    total = len(results.findings)
    if not total:
        return f"No problems found in {files}."
    parts = ", ".join(
        f"{counts[s]} {s if s == 'info' or counts[s] == 1 else s + 's'}"
        for s in ("error", "warning", "info")
        if counts[s]
    )
    return f"Found {total} problem{'s' if total != 1 else ''} ({parts}) in {files}."


def render(results, color: bool = False) -> str:
    lines = []
    for f in results.findings:
        severity = f.severity
        if color:
            severity = f"{_COLORS.get(severity, '')}{severity}{_RESET}"
        lines.append(f"{f.file}:{f.line}:{f.column}: {severity} {f.rule} {f.message}")
    lines.append(summary(results))
    return "\n".join(lines) + "\n"
