"""Findings: immutable lint results, sorted deterministically."""

from __future__ import annotations

from typing import NamedTuple

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


class Finding(NamedTuple):
    """Immutable and hashable; a named tuple because a frozen dataclass costs ~1 ms to create at
    import, on every run."""

    file: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    pointer: str = ""
    title_en: str = ""
    message_en: str = ""  # the rule's English message; "" when it gives none (then `message` serves)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.pointer, self.message)


LANGS = ("zh", "en")


def message_in(finding: Finding, lang: str) -> str:
    """The finding's message in lang: English where the rule gives it, else the message as given."""
    return (finding.message_en or finding.message) if lang == "en" else finding.message


def title_in(info, lang: str) -> str:
    """A rule's title in lang (info: a RuleInfo, or None for schema, waiver and rule-error findings)."""
    if info is None:
        return ""
    return (info.title_en or info.title) if lang == "en" else (info.title or info.title_en)


def at_or_above(severity: str, threshold: str) -> bool:
    """Whether a finding of this severity fails a run whose threshold (fail-on) is `threshold`."""
    return SEVERITY_RANK.get(severity, len(SEVERITIES)) <= SEVERITY_RANK[threshold]


def escape_pointer_token(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def sorted_findings(findings) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)
