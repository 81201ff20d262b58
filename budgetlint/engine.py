"""Check one loaded document: schema validation, then every applicable rule → sorted findings."""

from __future__ import annotations

from budgetlint.dsl.compiler import RuntimeRuleError
from budgetlint.dsl.rules import Pointers
from budgetlint.findings import Finding, sorted_findings
from budgetlint.loader import Document
from budgetlint.rulebook import Rulebook
from budgetlint.schema import validate

DEFAULT_PROFILE = "national"


def schema_findings(doc: Document) -> list[Finding]:
    out = []
    for pointer, message in validate(doc.data):
        line, col = doc.position(pointer)
        out.append(Finding(doc.name, line, col, "schema", "error", message, pointer))
    return out


def rule_findings(doc: Document, rulebook: Rulebook, report_rule_errors: bool = True):
    if not isinstance(doc.data, dict):
        return []
    pointers = Pointers(doc.data)
    out = []
    for rule in rulebook.rules:
        info = rule.info
        try:
            hits = list(rule.evaluate(doc.data, pointers))
        except RuntimeRuleError as err:
            if report_rule_errors:
                out.append(
                    Finding(
                        err.span.file,
                        err.span.line,
                        err.span.column,
                        "rule-error",
                        "error",
                        f"{info.id}: {err.message} (while checking {doc.name})",
                    )
                )
            continue
        for hit in hits:
            line, col = doc.position(hit.pointer)
            out.append(
                Finding(
                    doc.name,
                    line,
                    col,
                    info.id,
                    info.severity,
                    hit.message,
                    hit.pointer,
                    info.title_en,
                )
            )
    return out


def check_document(doc: Document, rulebook: Rulebook) -> list[Finding]:
    """Schema findings first; rules still run on an invalid document, but its type errors
    are the schema's to report, not the rules'."""
    schema = schema_findings(doc)
    rules = rule_findings(doc, rulebook, report_rule_errors=not schema)
    return sorted_findings(schema + rules)
