"""`budgetlint explain`: a rule's doc with its own test cases as examples, so docs cannot drift."""

from __future__ import annotations

import json
from pathlib import Path

from budgetlint.cases import case_files, load_cases, run_case
from budgetlint.findings import message_in
from budgetlint.resources import rules_dir


def _describe_case(case, result, lang: str = "zh") -> list[str]:
    lines = [f"  case: {case.name}"]
    if case.sample is not None:
        lines.append(f"  document: {case.sample.name}")
    for op in case.patch:
        value = f" → {json.dumps(op['value'], ensure_ascii=False, default=str)}" if "value" in op else ""
        lines.append(f"  change: {op['op']} {op['path']}{value}")
    for f in sorted(result.findings, key=lambda f: (f.rule, f.pointer)):
        lines.append(f"  finding: {f.rule} at {f.pointer or '/'}")
        lines.append(f"    {message_in(f, lang)}")  # what the user would read
    if not result.findings:
        lines.append("  finding: none")
    return lines


def explain_rule(rule, rulebook, extra_dirs: list[Path], lang: str = "zh") -> str:
    i = rule.info
    first, second = (i.title_en, i.title) if lang == "en" else (i.title, i.title_en)
    out = [
        f"{i.id}  {first}",
        f"{second}",
        "",
        f"severity: {i.severity}",
        f"basis:    {i.basis}",
        f"tags:     {', '.join(i.tags) or '-'}",
        f"defined:  {i.file}:{i.line}",
        "",
        i.doc or "(no doc text)",
    ]
    failing = passing = None
    for path in case_files([rules_dir(), *extra_dirs]):
        for case in load_cases(path):
            if i.id not in case.rules:
                continue
            if case.failing and failing is None:
                failing = case
            elif not case.failing and passing is None:
                passing = case
    for title, case in (("Failing example", failing), ("Passing example", passing)):
        out.append("")
        out.append(f"{title}:")
        if case is None:
            out.append("  (none)")
        else:
            out.extend(_describe_case(case, run_case(case, rulebook), lang))
    return "\n".join(out)
