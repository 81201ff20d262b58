"""JUnit XML: one testsuite per document, one testcase per rule; findings at or above fail-on fail it."""

from __future__ import annotations

import io
import time
from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

from budgetlint.findings import SEVERITY_RANK, at_or_above, message_in, title_in
from budgetlint.report import Reporter
from budgetlint.report.printable import printable  # also keeps the XML valid: XML 1.0 forbids most controls


def _line(item, lang: str = "zh") -> str:
    f = item.finding
    text = f"{f.file}:{f.line}:{f.column}: {f.severity} {f.rule} {message_in(f, lang)}"
    if f.pointer:
        text += f" ({f.pointer})"
    if item.waived is not None:
        text += f" [waived: {item.waived.reason}]"
    return printable(text)


class JunitReporter(Reporter):
    """The totals CI dashboards read (tests, failures, errors, time) are attributes of <testsuites>,
    written first: the testsuites are kept as text until the end (the report, not the documents)."""

    def begin(self) -> None:
        self.suites: list[str] = []
        self.tests = self.failures = 0
        self.started = self.last = time.perf_counter()

    def _elapsed(self) -> float:
        """Seconds since the previous document's result (this document's check, in a serial run)."""
        now = time.perf_counter()
        spent, self.last = now - self.last, now
        return spent

    def fails(self, item) -> bool:
        return item.waived is None and at_or_above(item.finding.severity, self.fail_on)

    def file(self, name, items, document: bool = True) -> None:
        by_rule: dict[str, list] = defaultdict(list)
        for item in items:
            by_rule[item.finding.rule].append(item)
        rule_ids = sorted(by_rule) if not document else sorted({"schema", *self.rules, *by_rule})
        failures = sum(1 for r in rule_ids if any(self.fails(i) for i in by_rule.get(r, ())))
        attr = quoteattr(printable(name))
        self.tests += len(rule_ids)
        self.failures += failures
        out, self.out = self.out, io.StringIO()  # this suite's text, kept for end()
        self.out.write(
            f'  <testsuite name={attr} tests="{len(rule_ids)}" failures="{failures}" errors="0" skipped="0"'
            f' time="{self._elapsed():.3f}">\n'
        )
        for rule in rule_ids:
            found = by_rule.get(rule, [])
            info = self.rules.get(rule)
            title = f" title={quoteattr(printable(title_in(info, self.lang)))}" if info else ""
            head = f"    <testcase classname={attr} name={quoteattr(printable(rule))} file={attr}{title}"
            failing = [i for i in found if self.fails(i)]
            if not found:
                self.out.write(head + "/>\n")
                continue
            self.out.write(head + ">\n")
            if failing:
                worst = min((i.finding.severity for i in failing), key=SEVERITY_RANK.__getitem__)
                message = quoteattr(
                    printable(f"{len(failing)} finding(s): {message_in(failing[0].finding, self.lang)}")
                )
                body = escape("\n".join(_line(i, self.lang) for i in failing))
                self.out.write(f"      <failure message={message} type={quoteattr(worst)}>{body}</failure>\n")
            rest = [i for i in found if not self.fails(i)]
            if rest:
                self.out.write(
                    f"      <system-out>{escape(chr(10).join(_line(i, self.lang) for i in rest))}"
                    "</system-out>\n"
                )
            self.out.write("    </testcase>\n")
        self.out.write("  </testsuite>\n")
        self.suites.append(self.out.getvalue())
        self.out = out

    def end(self, summary) -> None:
        total = time.perf_counter() - self.started
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        self.out.write(
            f'<testsuites name="budgetlint" tests="{self.tests}" failures="{self.failures}" errors="0"'
            f' skipped="0" time="{total:.3f}">\n'
        )
        self.out.write("".join(self.suites))
        self.out.write("</testsuites>\n")
