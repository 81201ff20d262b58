"""Rule files as modules: a file's definitions and templates are its own, another file's are used
through `import a, b from file` (the file named by its name without `.rules`).

link() resolves every call of a definition to the definition's qualified name (`file.name`), so
that two files may each define `amount()` without one silently replacing the other, and expands
each rule made from a template (`rule ID = name(args) { … }`) into a whole rule: the template's
parameters bound by `let` to the arguments, then the template's steps, with the rule's own
metadata over the template's.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import NamedTuple

from budgetlint.dsl import ast
from budgetlint.dsl.scope import StaticError
from budgetlint.hints import did_you_mean

# Names a definition or template may not take: the builtins, and what the compiler treats itself.
SPECIAL_FUNCTIONS = frozenset({"setting"})


class Linked(NamedTuple):
    rules: list[ast.Rule]  # every rule, templates expanded, calls resolved, in file order
    defines: dict[str, ast.Define]  # qualified name → definition (its body resolved)
    names: dict[str, str | None]  # unqualified name → qualified (None: several files define it)
    errors: list[StaticError]


def module_name(path: str) -> str:
    return PurePath(path).name.removesuffix(".rules")


def reserved(name: str) -> bool:
    from budgetlint.dsl.functions import BUILTINS

    return name in BUILTINS or name in SPECIAL_FUNCTIONS


def link(parsed: list[ast.RuleFile]) -> Linked:
    errors: list[StaticError] = []
    own: dict[str, dict[str, ast.Define | ast.RuleTemplate]] = {}  # module → its names
    paths: dict[str, list[str]] = {}  # module → the files of that name
    for rf in parsed:
        module = module_name(rf.path)
        if rf.path not in paths.setdefault(module, []):  # one file given in parts (bench/mutants.py)
            paths[module].append(rf.path)
        names = own.setdefault(module, {})
        for item in (*rf.defines, *rf.templates):
            kind = "template" if type(item) is ast.RuleTemplate else "definition"
            if reserved(item.name):
                errors.append(
                    StaticError(item.span, f"'{item.name}' is a built-in function; choose another name")
                )
            elif item.name in names:
                errors.append(
                    StaticError(item.span, f"{kind} '{item.name}' already made at {names[item.name].span}")
                )
            else:
                names[item.name] = item

    # for `budgetlint eval`: every definition by its name, when only one file has that name
    everywhere: dict[str, str | None] = {}
    for module, names in own.items():
        for name, item in names.items():
            if type(item) is ast.Define:
                everywhere[name] = None if name in everywhere else f"{module}.{name}"

    defines: dict[str, ast.Define] = {}
    templates: dict[str, ast.RuleTemplate] = {}
    rules: list[ast.Rule] = []
    made_from: list[tuple[int, ast.RuleFile]] = []  # rules made from a template, and their file
    for rf in parsed:
        module = module_name(rf.path)
        visible = _visible(rf, module, own, paths, errors)
        resolve = _Resolver(visible, own, errors)
        for d in rf.defines:
            if own[module].get(d.name) is d:
                defines[f"{module}.{d.name}"] = d._replace(body=resolve(d.body))
        for t in rf.templates:
            if own[module].get(t.name) is t:
                templates[f"{module}.{t.name}"] = t._replace(body=resolve(t.body))
        for rule in rf.rules:
            if rule.template:
                made_from.append((len(rules), rf))
            rules.append(rule if rule.template else resolve(rule))
    # templates after every file is resolved: a rule may use a template of a later file
    for i, rf in made_from:
        module = module_name(rf.path)
        resolve = _Resolver(_visible(rf, module, own, paths, []), own, errors)
        rules[i] = _expand(rules[i], resolve, templates, errors)
    rules = [r for r in rules if r is not None]  # a rule whose template cannot be used: reported
    return Linked(rules, defines, everywhere, errors)


def _visible(rf, module, own, paths, errors) -> dict[str, str]:
    """The names a file may call: its own, and those it imports (name → qualified name)."""
    visible = {name: f"{module}.{name}" for name in own[module]}
    for imp in rf.imports:
        if imp.source not in own:
            hint = did_you_mean(imp.source, sorted(own))
            errors.append(StaticError(imp.span, f"no rule file '{imp.source}.rules' is loaded{hint}"))
            continue
        if len(paths[imp.source]) > 1:
            errors.append(
                StaticError(
                    imp.span, f"several rule files are called '{imp.source}': {', '.join(paths[imp.source])}"
                )
            )
            continue
        for name in imp.names:
            if name not in own[imp.source]:
                hint = did_you_mean(name, sorted(own[imp.source]))
                errors.append(StaticError(imp.span, f"{imp.source}.rules has no definition '{name}'{hint}"))
            elif name in visible and visible[name] != f"{imp.source}.{name}":
                errors.append(
                    StaticError(imp.span, f"'{name}' is already a name in this file ({visible[name]})")
                )
            else:
                visible[name] = f"{imp.source}.{name}"
    return visible


class _Resolver:
    """Rewrites an AST: each call of a name the file may call → its qualified name; a call of a
    name another file defines but this one does not import is an error that says what to write."""

    def __init__(self, visible: dict[str, str], own: dict, errors: list[StaticError]):
        self.visible, self.own, self.errors = visible, own, errors

    def __call__(self, node):
        if type(node) is ast.Call:
            if self._is_template(node.func):  # reported here, and read as null: one error, not two
                self.errors.append(
                    StaticError(
                        node.span,
                        f"'{node.func}' is a template: rules are made from it (rule ID = {node.func}(…))",
                    )
                )
                return ast.Literal(node.span, None)
            node = node._replace(func=self._function(node), args=tuple(self(a) for a in node.args))
            return node
        if type(node) is ast.Span or type(node) is ast.Literal:
            return node
        if hasattr(node, "_fields"):
            return type(node)(*(self(v) if isinstance(v, tuple) else v for v in node))
        if isinstance(node, tuple):
            return tuple(self(v) if isinstance(v, tuple) else v for v in node)
        return node

    def _is_template(self, name: str) -> bool:
        module, _, short = self.visible.get(name, "").partition(".")
        return type(self.own.get(module, {}).get(short)) is ast.RuleTemplate

    def _function(self, call: ast.Call) -> str:
        name = call.func
        if name in self.visible:
            return self.visible[name]
        if not reserved(name):
            homes = sorted(m for m, names in self.own.items() if name in names)
            if homes:
                self.errors.append(
                    StaticError(
                        call.span,
                        f"'{name}' is defined in {homes[0]}.rules: add `import {name} from {homes[0]}` "
                        "at the top of this file",
                    )
                )
                return f"{homes[0]}.{name}"  # compiled as if imported: one error, not two
        return name


def _expand(rule: ast.Rule, resolve: _Resolver, templates: dict, errors: list) -> ast.Rule | None:
    name, args, span = rule.template
    qualified = resolve.visible.get(name)
    template = templates.get(qualified) if qualified else None
    if template is None:
        if qualified is not None:  # a definition's name
            errors.append(StaticError(span, f"'{name}' is a definition, not a template"))
            return None
        hint = did_you_mean(name, sorted(n for n, q in resolve.visible.items() if q in templates))
        errors.append(StaticError(span, f"no template '{name}'{hint}"))
        return None
    if len(args) != len(template.params):
        errors.append(
            StaticError(
                span, f"template {name}() takes {len(template.params)} argument(s), {len(args)} given"
            )
        )
        return None
    if rule.steps:
        errors.append(
            StaticError(
                rule.steps[0].span, f"rule {rule.id} is made from template '{name}': give it metadata only"
            )
        )
    body = template.body
    bound = tuple(ast.Let(a.span, p, resolve(a)) for p, a in zip(template.params, args, strict=True))
    merged = {
        field: getattr(rule, field) or getattr(body, field)
        for field in ("title", "title_en", "severity", "basis", "doc", "tags", "profiles")
    }
    return rule._replace(**merged, steps=bound + body.steps, template=None)


def resolve_expression(node, names: dict[str, str | None], errors: list[StaticError]):
    """An expression outside any rule file (`budgetlint eval`): a definition is called by its
    name when one file alone defines it, by `file.name` never (names are what the files say)."""
    visible = {n: q for n, q in names.items() if q is not None}
    resolver = _Resolver(visible, {}, errors)
    out = resolver(node)
    for call in _calls(node):
        if call.func in names and names[call.func] is None:
            errors.append(
                StaticError(call.span, f"several rule files define '{call.func}': it cannot be called here")
            )
    return out


def _calls(node):
    stack = [node]
    while stack:
        n = stack.pop()
        if type(n) is ast.Call:
            yield n
        if isinstance(n, tuple):
            stack.extend(v for v in n if isinstance(v, tuple))
