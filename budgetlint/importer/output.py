"""Writing an imported document (JSON or YAML, numbers exactly as read) and the import report."""

from __future__ import annotations

import json
import re
from decimal import Decimal

_MARK = "@@budgetlint-decimal:"
_MARKED = re.compile(r'"' + re.escape(_MARK) + r'([-0-9.E+]+)"')


def _marked(value):
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    if isinstance(value, Decimal):
        return _MARK + str(value)
    return value


def to_json(document: dict) -> str:
    """JSON with every Decimal written as the number it is (371514655.00 keeps its two decimals)."""
    text = json.dumps(_marked(document), ensure_ascii=False, indent=2)
    return _MARKED.sub(lambda m: m.group(1), text) + "\n"


def to_yaml(document: dict) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def decimal(dumper, value: Decimal):
        text = str(value)
        tag = "tag:yaml.org,2002:float" if "." in text or "E" in text else "tag:yaml.org,2002:int"
        return dumper.represent_scalar(tag, text)

    Dumper.add_representer(Decimal, decimal)
    return yaml.dump(document, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=1000)


def report_lines(imported, name: str) -> list[str]:
    """The import report: tables found against the profile's expected set, figures placed, findings."""
    lines = [f"{name}: profile {imported.profile or 'not recognised'}"]
    found = imported.tables_found
    expected = imported.tables_expected or tuple(found)
    pages = lambda p: f"p. {p[0]}" if len(p) == 1 else f"pp. {p[0]}-{p[-1]}"  # noqa: E731
    lines.append(f"tables: {sum(1 for k in expected if k in found)} of {len(expected)} expected found")
    for kind in expected:
        lines.append(f"  {kind:<18} {pages(found[kind]) if kind in found else 'NOT FOUND'}")
    for kind in found:
        if kind not in expected:
            lines.append(f"  {kind:<18} {pages(found[kind])} (not in the profile's set)")
    lines.append(
        f"rows: {imported.rows_placed} of {imported.rows_printed} printed rows read; "
        f"figures: {imported.figures_placed} of {imported.figures_printed} printed in those tables placed "
        f"({imported.coverage:.1f} %)"
    )
    lines.append(f"narrative: {imported.narrative_figures} figures placed")
    if imported.findings:
        lines.append(f"import findings: {len(imported.findings)}")
        for f in imported.findings:
            where = f"{name}:{f.page or 1}:{f.line or 1}"
            lines.append(f"  {where}: {f.severity} {f.rule} {f.message}: 「{f.text}」")
    else:
        lines.append("import findings: none")
    return lines
