"""Output formats, one module each: a Reporter gets the findings of one document at a time."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

from budgetlint.findings import Finding

FORMATS = ("text", "json", "sarif", "github", "junit", "html")


# Named tuples and a plain class rather than dataclasses, which cost ~0.5–1 ms each to create
# when this module is imported, on every run.


class Item(NamedTuple):
    """A finding as reported: with the waiver that accepted it, if any, and its fingerprint."""

    finding: Finding
    waived: object | None = None  # a budgetlint.waivers.Waiver
    fingerprint: str | None = None
    baselined: bool = False  # known to the baseline: passed only to a reporter that wants_baselined


class Summary:
    """The counts of a run, added up as its documents are reported."""

    def __init__(
        self,
        files: int = 0,
        unreadable: int = 0,
        counts: Counter | None = None,
        waived: int = 0,
        by_rule: Counter | None = None,
        baseline_known: int | None = None,
        baseline_fixed: int | None = None,
        fail_on: str = "error",
        statistics: bool = False,
    ):
        self.files = files
        self.unreadable = unreadable  # inputs refused with an input error (reported on stderr)
        self.counts = Counter() if counts is None else counts  # by severity, waived findings excluded
        self.waived = waived
        self.by_rule = Counter() if by_rule is None else by_rule  # reported (not waived) findings by rule
        self.baseline_known = baseline_known  # None: no --baseline
        self.baseline_fixed = baseline_fixed
        self.fail_on = fail_on
        self.statistics = statistics

    @property
    def findings(self) -> int:
        return sum(self.counts.values())

    def add(self, items) -> None:
        for item in items:
            if item.baselined:
                continue
            if item.waived is not None:
                self.waived += 1
            else:
                self.counts[item.finding.severity] += 1
                self.by_rule[item.finding.rule] += 1


class Reporter:
    """begin(), then file(name, items) per document in input order, then end(summary)."""

    wants_baselined = False  # True: file() also gets the findings a baseline knows (Item.baselined)

    def __init__(self, out, rules=None, color: bool = False, fail_on: str = "error", lang: str = "zh"):
        self.out = out
        self.rules = {i.id: i for i in (rules or ())}  # RuleInfo by id
        self.color = color
        self.fail_on = fail_on
        self.lang = lang  # "zh" or "en": the language of messages and titles (json and sarif carry both)

    def begin(self) -> None:
        pass

    def file(self, name: str, items: list[Item], document: bool = True) -> None:
        """The findings of one document (document=False: of the waivers file)."""
        raise NotImplementedError

    def end(self, summary: Summary) -> None:
        pass


def make_reporter(
    fmt: str, out, rules=None, color: bool = False, fail_on: str = "error", lang: str = "zh"
) -> Reporter:
    if fmt == "json":
        from budgetlint.report.json_format import JsonReporter as cls
    elif fmt == "sarif":
        from budgetlint.report.sarif import SarifReporter as cls
    elif fmt == "github":
        from budgetlint.report.github import GithubReporter as cls
    elif fmt == "junit":
        from budgetlint.report.junit import JunitReporter as cls
    elif fmt == "html":
        from budgetlint.report.html import HtmlReporter as cls
    else:
        from budgetlint.report.text import TextReporter as cls
    return cls(out, rules, color=color, fail_on=fail_on, lang=lang)
