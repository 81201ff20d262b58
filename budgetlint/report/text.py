"""Text output: `file:line:col: severity RULE-ID message`, then a summary line."""

from __future__ import annotations

from budgetlint.findings import SEVERITIES, message_in, title_in
from budgetlint.report import Reporter
from budgetlint.report.printable import printable

_COLORS = {"error": "\x1b[31m", "warning": "\x1b[33m", "info": "\x1b[36m", "waived": "\x1b[2m"}
_RESET = "\x1b[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 or word == "info" else "s")


def summary_line(summary) -> str:
    files = _plural(summary.files, "file")
    total = summary.findings
    if total:
        parts = ", ".join(_plural(summary.counts[s], s) for s in SEVERITIES if summary.counts[s])
        text = f"Found {_plural(total, 'problem')} ({parts}) in {files}"
    else:
        text = f"No problems found in {files}"
    extras = []
    if summary.unreadable:
        extras.append(f"{_plural(summary.unreadable, 'file')} could not be read")
    if summary.waived:
        extras.append(f"{summary.waived} waived")
    if summary.baseline_known is not None:
        extras.append(f"{summary.baseline_known} in the baseline")
        fixed = summary.baseline_fixed or 0
        extras.append(f"{fixed} baseline {'entry' if fixed == 1 else 'entries'} fixed")
    return text + (f" ({'; '.join(extras)})" if extras else "") + "."


def statistics_lines(summary, rules: dict, lang: str = "zh") -> list[str]:
    lines = []
    for rule, n in sorted(summary.by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        title = title_in(rules.get(rule), lang)
        lines.append(printable(f"{n:>6}  {rule:<12} {title}".rstrip()))
    return lines


def waived_note(waiver) -> str:
    by = f"; approved by {waiver.approved_by}" if waiver.approved_by else ""
    return printable(f" [waived: {waiver.reason}{by}]")


class TextReporter(Reporter):
    def _paint(self, text: str, key: str) -> str:
        return f"{_COLORS[key]}{text}{_RESET}" if self.color else text

    def file(self, name, items, document: bool = True) -> None:
        for item in items:
            f = item.finding
            where = printable(f"{f.file}:{f.line}:{f.column}:")
            said = printable(f"{f.rule} {message_in(f, self.lang)}")
            line = f"{where} {self._paint(f.severity, f.severity)} {said}"
            if item.waived is not None:
                line += self._paint(waived_note(item.waived), "waived")
            self.out.write(line + "\n")

    def end(self, summary) -> None:
        if summary.statistics and summary.by_rule:
            self.out.write("\n".join(statistics_lines(summary, self.rules, self.lang)) + "\n")
        self.out.write(summary_line(summary) + "\n")
