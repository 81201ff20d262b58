"""What the text of a rule file says: BL001 line-length, BL007 message-without-figure, and the
`# lint: ignore[CODE, …]` comments that silence a finding on their line."""

from __future__ import annotations

import re

from budgetlint.dsl import ast
from budgetlint.lint.model import BY_CODE, BY_NAME, LintFinding, at
from budgetlint.lint.walk import bodies

IGNORE = re.compile(r"#\s*lint:\s*ignore\[([^\]]*)\]")


def long_lines(name: str, text: str, limit: int) -> list[LintFinding]:
    return [
        LintFinding(name, number, limit + 1, "BL001", f"line is {len(line)} characters long (limit {limit})")
        for number, line in enumerate(text.splitlines(), 1)
        if len(line) > limit
    ]


def messages_without_figure(parsed: list[ast.RuleFile]) -> list[LintFinding]:
    found = []
    for rf in parsed:
        for body in bodies(rf):
            for step in body.steps:
                if type(step) is not ast.Check:
                    continue
                for word, message in (("message", step.message), ("message_en", step.message_en)):
                    if message is not None and not any(isinstance(p, tuple) for p in message.parts):
                        found.append(
                            at(
                                message.span,
                                "BL007",
                                f"{body.label}: {word} has no {{…}} hole; name the figure or the text it is "
                                "about, e.g. {printed} or {item.name}",
                            )
                        )
    return found


def ignored(text: str) -> dict[int, set[str]]:
    """Line number → the codes its `# lint: ignore[…]` comment silences (codes or check names)."""
    out: dict[int, set[str]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        match = IGNORE.search(line)
        if match is None:
            continue
        codes = set()
        for word in (w.strip() for w in match.group(1).split(",")):
            check = BY_CODE.get(word.upper()) or BY_NAME.get(word.lower())
            if check is not None:
                codes.add(check.code)
        out[number] = codes
    return out
