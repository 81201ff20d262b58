"""Check one loaded document: schema validation, then every applicable rule → sorted findings."""

from __future__ import annotations

from decimal import Decimal, DecimalException
from functools import lru_cache
from typing import NamedTuple

from budgetlint.dsl.rules import Pointers
from budgetlint.dsl.scope import BUDGET, MAX_STEPS, SETTINGS, RuleBudgetExceeded
from budgetlint.dsl.values import RuleTypeError
from budgetlint.findings import Finding, sorted_findings
from budgetlint.loader import Document
from budgetlint.profiles import DEFAULT_PROFILE, applies_within, lineage
from budgetlint.rulebook import Rulebook
from budgetlint.schema import validate
from budgetlint.units import in_wan

# A budgetlint.timings.RuleTimings while `check --timings` checks a document: each rule's time is
# added to it. Installed per document by budgetlint.timings.measured in the process checking it.
TIMINGS = None


class Settings(NamedTuple):
    """What a run may set: the profile (else the document's own, else national) and tolerances.

    A named tuple: a frozen dataclass costs ~1 ms to create at import, on every run."""

    profile: str | None = None
    rounding_per_item: Decimal = SETTINGS["rounding_per_item"]

    def for_rules(self) -> dict:
        return {"rounding_per_item": self.rounding_per_item}

    def profile_of(self, data) -> str:
        own = data.get("profile") if isinstance(data, dict) else None
        return self.profile or (own if isinstance(own, str) else None) or DEFAULT_PROFILE


DEFAULT_SETTINGS = Settings()


def schema_findings(doc: Document) -> list[Finding]:
    out = []
    for pointer, message in validate(doc.data):
        line, col = doc.position(pointer)
        out.append(Finding(doc.name, line, col, "schema", "error", message, pointer))
    return out


@lru_cache(maxsize=16)
def applicable(rules: tuple, profiles: frozenset[str]) -> tuple:
    """The rules that apply to a document whose profile has the lineage profiles (in their order):
    chosen once per rulebook and profile, not tested per rule and document."""
    return tuple(rule for rule in rules if applies_within(rule.info.profiles, profiles))


def rule_findings(
    doc: Document,
    rulebook: Rulebook,
    report_rule_errors: bool = True,
    settings: Settings = DEFAULT_SETTINGS,
):
    if not isinstance(doc.data, dict):
        return []
    try:
        data = in_wan(doc.data)  # rules read every amount in 万元, whatever unit it was printed in
    except RecursionError:  # JSON nested hundreds deep (the parser allows ~1000; YAML stops at 100)
        message = "the document is nested too deeply for the rules to read it"
        return [Finding(doc.name, 1, 1, "schema", "error", message, "")]
    pointers = Pointers(data)
    profiles = lineage(settings.profile_of(doc.data))  # once per document, not per rule
    values = settings.for_rules()
    out = []
    budget = BUDGET
    timings = TIMINGS
    if timings is not None:
        from budgetlint.timings import perf_counter

        timings.documents += 1
    memo = pointers.memo
    for rule in applicable(rulebook.rules, profiles):
        info = rule.info
        budget[0] = MAX_STEPS
        if timings is not None:
            hits = ()
            start = perf_counter()
        try:
            # the rule's generated function itself, without CompiledRule.evaluate()'s call per rule
            hits = rule.run(data, values, memo, pointers)
        except RuleBudgetExceeded:  # always reported: a rule that runs away is the rule's fault
            message = (
                f"{info.id}: stopped after {MAX_STEPS:,} steps (loop elements, definition calls, "
                f"joined text) while checking {doc.name}: a loop or definition that runs away?"
            )
            out.append(Finding(info.file, info.line, 1, "rule-error", "error", message))
            continue
        except (RecursionError, MemoryError, DecimalException) as err:
            why = {
                RecursionError: "its expressions or the data are nested too deeply",
                MemoryError: "it needs more memory than there is",
            }.get(type(err), f"a number went out of range ({type(err).__name__})")
            message = f"{info.id}: stopped: {why} (while checking {doc.name})"
            out.append(Finding(info.file, info.line, 1, "rule-error", "error", message))
            continue
        except RuleTypeError as err:  # the rule's fault, reported at the rule file's span that raised it
            if report_rule_errors:
                err = rule.rule_error(err)
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
        except Exception as err:  # a fault in one rule (a bug of ours) must not stop the others
            if report_rule_errors:
                fault = f"internal error {type(err).__name__}: {err}"
                message = f"{info.id}: {fault} (while checking {doc.name}); please report it"
                out.append(Finding(info.file, info.line, 1, "rule-error", "error", message))
            continue
        finally:  # the rule's own time: its function and its hits, not locating them in the text
            if timings is not None:
                timings.add(info.id, perf_counter() - start, len(hits))
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
                    hit.message_en,
                )
            )
    return out


def check_document(doc: Document, rulebook: Rulebook, settings: Settings = DEFAULT_SETTINGS) -> list[Finding]:
    """Schema findings first; rules still run on an invalid document, but its type errors
    are the schema's to report, not the rules'."""
    schema = schema_findings(doc)
    rules = rule_findings(doc, rulebook, report_rule_errors=not schema, settings=settings)
    return sorted_findings(schema + rules)
