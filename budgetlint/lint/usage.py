"""Names: BL003 unused-definition, BL004 unused-let, BL008 shadowed-builtin (a definition named like
a builtin: the loader refuses it) and BL009 builtin-name-bound (a bound name that reads like one)."""

from __future__ import annotations

from budgetlint.dsl import ast
from budgetlint.dsl.modules import module_name, reserved
from budgetlint.lint.model import LintFinding, at
from budgetlint.lint.walk import bodies, bound_names, free_names, nodes, step_expressions


def _calls(node, into: list[str]) -> None:
    into.extend(n.func for n in nodes(node) if type(n) is ast.Call)


def unused_definitions(parsed: list[ast.RuleFile]) -> list[LintFinding]:
    """A def or template of a file that no loaded file calls (its own body aside) and none imports.
    A name a file calls is its own definition if it has one, else the one it imports."""
    used: set[tuple[str, str]] = set()  # (module, name)
    for rf in parsed:
        module = module_name(rf.path)
        own = {d.name for d in rf.defines} | {t.name for t in rf.templates}
        imported = {name: imp.source for imp in rf.imports for name in imp.names}
        used.update((source, name) for name, source in imported.items())
        users: list[tuple[str | None, object]] = [(d.name, d.body) for d in rf.defines]
        users += [(t.name, t.body.steps) for t in rf.templates]
        for rule in rf.rules:
            users.append((None, rule.steps))
            if rule.template is not None:
                name, args, span = rule.template
                users.append((None, (ast.Call(span, name, args),)))
        for owner, body in users:
            called: list[str] = []
            for item in body if type(body) is tuple else (body,):
                for expression in step_expressions(item) if type(item) in _STEPS else (item,):
                    _calls(expression, called)
            for name in called:
                if name == owner:
                    continue  # a definition calling itself does not make it used
                if name in own:
                    used.add((module, name))
                elif name in imported:
                    used.add((imported[name], name))
    found = []
    for rf in parsed:
        module = module_name(rf.path)
        for item in (*rf.defines, *rf.templates):
            if (module, item.name) in used or reserved(item.name):
                continue
            kind = "template" if type(item) is ast.RuleTemplate else "definition"
            found.append(
                at(
                    item.span,
                    "BL003",
                    f"{kind} '{item.name}' is not used: no rule or definition of the files linted calls "
                    "it and no file imports it; delete it",
                )
            )
    return found


_STEPS = (ast.For, ast.Let, ast.When, ast.Check)


def unused_lets(parsed: list[ast.RuleFile]) -> list[LintFinding]:
    """A `let` name (unpacked ones too) that no later step or message reads before it is bound
    again. Names starting with `_` are exempt."""
    found = []
    for rf in parsed:
        for body in bodies(rf):
            live: dict[str, tuple[ast.Let, bool]] = {}  # name → the let binding it, read since?

            def report(name: str, let: ast.Let, label: str = body.label) -> None:
                if not name.startswith("_"):
                    found.append(
                        at(let.span, "BL004", f"{label}: let '{name}' is not read by a later step or message")
                    )

            for step in body.steps:
                read = set().union(*(free_names(e) for e in step_expressions(step)))
                for name in read & live.keys():
                    live[name] = (live[name][0], True)
                for name in bound_names(step):
                    if name in live and not live[name][1]:
                        report(name, live[name][0])
                    if type(step) is ast.Let:
                        live[name] = (step, False)
                    else:
                        live.pop(name, None)
            for name, (let, was_read) in live.items():
                if not was_read:
                    report(name, let)
    return found


def shadowed_builtins(parsed: list[ast.RuleFile]) -> list[LintFinding]:
    found = []
    for rf in parsed:
        for item in (*rf.defines, *rf.templates):
            kind = "template" if type(item) is ast.RuleTemplate else "definition"
            if reserved(item.name):
                found.append(
                    at(
                        item.span,
                        "BL008",
                        f"{kind} '{item.name}' has the name of a built-in function: the loader refuses it; "
                        "choose another name",
                    )
                )
            for p in item.params:
                if reserved(p):
                    found.append(_bound(item.span, f"{kind} {item.name}", "parameter", p))
        for d in rf.defines:
            found += _comprehension_names(d.body, f"definition {d.name}")
        for body in bodies(rf):
            for step in body.steps:
                for name in bound_names(step):
                    if reserved(name):
                        word = "let" if type(step) is ast.Let else "for"
                        found.append(_bound(step.span, body.label, f"{word} name", name))
                for expression in step_expressions(step):
                    found += _comprehension_names(expression, body.label)
    return found


def _comprehension_names(node, label: str) -> list[LintFinding]:
    return [
        _bound(n.span, label, "comprehension name", n.name)
        for n in nodes(node)
        if type(n) is ast.Comprehension and reserved(n.name)
    ]


def _bound(span, label: str, what: str, name: str) -> LintFinding:
    return at(
        span,
        "BL009",
        f"{label}: {what} '{name}' is also a built-in function's name, so '{name}' and '{name}(…)' "
        "read as one thing; choose another name",
    )
