"""Output formats: one module each, all with `render(results, rulebook) -> str`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from budgetlint.findings import Finding


@dataclass(frozen=True)
class Results:
    files: tuple[str, ...]
    findings: tuple[Finding, ...]

    def counts(self) -> Counter:
        return Counter(f.severity for f in self.findings)


FORMATS = ("text", "json")


def render(fmt: str, results: Results, rulebook=None, color: bool = False) -> str:
    if fmt == "json":
        from budgetlint.report import json_format

        return json_format.render(results, rulebook)
    from budgetlint.report import text

    return text.render(results, color=color)
