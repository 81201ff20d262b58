"""GitHub Actions workflow annotations: `::error file=…,line=…,col=…,title=RULE::message`."""

from __future__ import annotations

from budgetlint.findings import message_in
from budgetlint.report import Reporter
from budgetlint.report.printable import printable
from budgetlint.report.text import summary_line

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    # newlines in GitHub's own encoding (a line break in the annotation, not in the log), every other
    # control character written out: no ESC, BEL or bidi override reaches the log
    return printable(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GithubReporter(Reporter):
    def file(self, name, items, document: bool = True) -> None:
        for item in items:
            f = item.finding
            command = COMMANDS.get(f.severity, "warning")
            title, message = f.rule, message_in(f, self.lang)
            if item.waived is not None:  # shown, not hidden, but never an error
                command, title = "notice", f"{f.rule} (waived)"
                message += f" [waived: {item.waived.reason}]"
            props = (
                f"file={escape_property(f.file)},line={f.line},col={f.column},title={escape_property(title)}"
            )
            self.out.write(f"::{command} {props}::{escape_data(message)}\n")

    def end(self, summary) -> None:
        self.out.write(summary_line(summary) + "\n")
