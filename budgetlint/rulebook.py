"""Load rule files: parse, check statically (all problems at once) and compile into a Rulebook."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from budgetlint.dsl.rules import CompiledRule, RuleInfo
from budgetlint.dsl.scope import StaticError

if TYPE_CHECKING:  # annotations only: a run with its rules cached never imports the AST module
    from budgetlint.dsl import ast

REQUIRED_METADATA = ("title", "title_en", "severity", "basis")


class RulebookError(Exception):
    """Rule files that cannot be used; `problems` lists every one found, each with file:line:col."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class Rulebook(NamedTuple):  # not a frozen dataclass, which costs ~1 ms to create at import
    rules: tuple[CompiledRule, ...]
    files: tuple[str, ...]
    # what makes the compiler of the rules (their definitions and the schema, for evaluate() and
    # the generated source): the rules themselves may come from the cache, compiled
    compiler_source: object = None

    @property
    def compiler(self):
        """The compiler of the rules, made when first asked for (the rule files parsed again)."""
        make = self.compiler_source
        return make() if make is not None else None

    def source_of(self, rule_id: str) -> str | None:
        """The generated Python of a rule, with the definitions it calls; None if no such rule."""
        compiler = self.compiler
        if compiler is None or rule_id not in compiler.rule_functions:
            return None
        return compiler.module.shown(compiler.rule_functions[rule_id])

    def by_id(self, rule_id: str) -> CompiledRule | None:
        return next((r for r in self.rules if r.info.id == rule_id), None)

    def only(self, ids) -> Rulebook:
        """The same rulebook with only the rules whose ids are given, in their order."""
        wanted = set(ids)
        return self._replace(rules=tuple(r for r in self.rules if r.info.id in wanted))

    def evaluate(self, text: str, data, file: str = "<expression>"):
        """The value of one expression over a document's data, as a rule would see it: with the
        rule files' definitions, checked against the schema first. RuleSyntaxError, RulebookError
        (the static check's problems) or RuleTypeError (a value of the wrong kind) if it fails."""
        from budgetlint.dsl.codegen import load
        from budgetlint.dsl.compiler import ExprCompiler, compile_expression
        from budgetlint.dsl.parser import parse_source_expression

        compiler = self.compiler or ExprCompiler(None, {})
        node = parse_source_expression(text, file)
        errors_before = len(compiler.errors)
        from budgetlint.dsl.modules import resolve_expression

        node = resolve_expression(node, getattr(compiler, "names", {}), compiler.errors)
        try:
            code = compile_expression(compiler, node)
        except RecursionError:
            del compiler.errors[errors_before:]
            compiler.abandon()
            raise RulebookError([f"{file}: the expression nests too deeply"]) from None
        new = compiler.errors[errors_before:]
        del compiler.errors[errors_before:]  # the rulebook's own compiler: leave it as it was
        if new:
            raise RulebookError([str(e) for e in _unique(new)])
        from decimal import DecimalException

        from budgetlint.dsl.scope import BUDGET, MAX_STEPS, RuleBudgetExceeded
        from budgetlint.dsl.values import RuleTypeError
        from budgetlint.units import in_wan

        BUDGET[0] = MAX_STEPS
        try:
            return load(code)["expression"](in_wan(data), {}, {})
        except RuleBudgetExceeded:
            raise RuleTypeError(f"stopped after {MAX_STEPS:,} steps: a loop that runs away?") from None
        except RecursionError:
            raise RuleTypeError("the expression or the data nest too deeply") from None
        except DecimalException as err:
            raise RuleTypeError(f"a number went out of range ({type(err).__name__})") from None


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """The rule files of files and folders, each once (a folder and a file in it may both be
    named; loading the file twice would report its rules as duplicates of themselves)."""
    found: dict[Path, Path] = {}
    problems = []
    for path in paths:
        if path.is_dir():
            files = sorted(path.rglob("*.rules"))
        elif path.suffix == ".rules":
            files = [path]
        else:  # read as nothing, it would pass every document silently
            problems.append(f"{path}: not a rule file (a rule file's name ends in .rules)")
            continue
        for f in files:
            found.setdefault(f.resolve(), f)
    if problems:
        raise RulebookError(problems)
    return list(found.values())


def parse_files(files: list[Path], display=str) -> tuple[list[ast.RuleFile], list[str]]:
    """Parse rule files, or take them from the cache when none has changed."""
    sources, problems = read_sources(files, display)
    return parse_sources(sources, problems)


def read_sources(files: list[Path], display=str) -> tuple[list[tuple[str, bytes]], list[str]]:
    """(displayed name, content) of each rule file, and a problem for each that cannot be read."""
    sources, problems = [], []
    for f in files:
        try:
            sources.append((display(f), f.read_bytes()))
        except OSError as err:
            problems.append(f"{display(f)}: cannot read rule file: {err.strerror}")
    return sources, problems


def parse_sources(
    sources: list[tuple[str, bytes]], problems: list[str]
) -> tuple[list[ast.RuleFile], list[str]]:
    from budgetlint.dsl import cache

    cache_key = cache.key(sources)
    cached = None if problems else cache.load(cache_key)
    if cached is not None:
        return cached, []
    from budgetlint.dsl.parser import RuleSyntaxError, parse_rules

    parsed = []
    for name, content in sources:
        try:
            parsed.append(parse_rules(content.decode("utf-8"), name))
        except UnicodeDecodeError:
            problems.append(f"{name}: a rule file must be UTF-8")
        except RuleSyntaxError as err:
            problems.append(err.render())
    if not problems:
        cache.store(cache_key, parsed)
    return parsed, problems


def build(parsed: list[ast.RuleFile], schema: dict | None) -> tuple[list[CompiledRule], list[str]]:
    _, code, problems = build_with_compiler(parsed, schema)
    return rules_of(code), problems


def rules_of(code) -> list[CompiledRule]:
    """The rules of a generated module's code object (budgetlint/dsl/codegen.py), in order."""
    from budgetlint.dsl.codegen import load

    return [CompiledRule(RuleInfo(*info), run, spans) for info, run, spans in load(code)["RULES"]]


def build_with_compiler(parsed: list[ast.RuleFile], schema: dict | None):
    """The compiler (its definitions and generated module, for evaluate() and the source), the
    code object of the rules' module (the rules without problems), and every problem found."""
    from budgetlint.dsl.compiler import ExprCompiler
    from budgetlint.dsl.modules import link
    from budgetlint.dsl.rules import compile_rule
    from budgetlint.dsl.schema_types import SchemaIndex

    problems: list[str] = []
    linked = link(parsed)
    compiler = ExprCompiler(SchemaIndex(schema) if schema else None, linked.defines)
    compiler.names = linked.names  # for expressions outside the rule files (evaluate)
    compiler.errors.extend(linked.errors)
    for qualified, d in linked.defines.items():
        try:
            compiler.define(qualified, d.span)
        except RecursionError:  # each nests less than the parser allows, but they call each other
            compiler.abandon(qualified)
            problems.append(f"{d.span}: definition '{d.name}' nests too deeply with the definitions it calls")
    seen: dict[str, ast.Rule] = {}
    compiled: list[tuple] = []
    compiler.rule_functions = {}  # rule id → its generated function's name
    for rule in linked.rules:
        if rule.id in seen:
            problems.append(f"{rule.span}: duplicate rule id {rule.id} (first at {seen[rule.id].span})")
            continue
        seen[rule.id] = rule
        missing = [m for m in REQUIRED_METADATA if not getattr(rule, m)]
        checks = rule.checks
        if not checks:
            missing.append("assert")
        if missing:
            problems.append(f"{rule.span}: rule {rule.id} lacks: {', '.join(missing)}")
        for check in checks:
            if check.message is None:
                problems.append(f"{check.span}: this assert of rule {rule.id} has no message")
                missing.append("message")
        try:
            fname = f"rule_{len(seen)}"
            result = compile_rule(rule, compiler, fname)
        except RecursionError:
            compiler.abandon()
            problems.append(f"{rule.span}: rule {rule.id} nests too deeply with the definitions it calls")
            continue
        if result is not None:
            compiler.rule_functions[rule.id] = fname
            if not missing:
                compiled.append(result)
    problems.extend(str(e) for e in _unique(compiler.errors))
    try:
        code = compile(compiler.module.source(compiled), "<budgetlint rules>", "exec")
    except (SyntaxError, RecursionError, MemoryError):
        compiled = _drop_uncompilable(compiler, compiled, linked, problems)
        code = compile(compiler.module.source(compiled), "<budgetlint rules>", "exec")
    return compiler, code, problems


def _drop_uncompilable(compiler, compiled: list, linked, problems: list[str]) -> list:
    """Python refuses code nested past its limits (100 levels of indentation, 20 nested loops),
    which a rule of conditions within conditions can reach though each expression nests less than
    the parser allows: each such rule (or definition, and the rules calling it) is a problem at its
    line, and the others are compiled without it."""
    module = compiler.module
    broken: set[str] = set()
    for name, fn in list(module.functions.items()):
        try:
            compile(fn.source(), "<budgetlint rule>", "exec")
        except (SyntaxError, RecursionError, MemoryError):
            broken.add(name)
    where = {fname: rule_id for rule_id, fname in compiler.rule_functions.items()}
    spans = {r.id: r.span for r in linked.rules}
    for name in sorted(broken):
        what = f"rule {where[name]}" if name in where else module.functions[name].lines[0].lstrip("# ")
        span = spans.get(where.get(name), "") if name in where else ""
        problems.append(
            f"{span}: {what} nests too deeply for Python (conditions within conditions); "
            "split it with let or a definition".lstrip(": ")
        )
    changed = True
    while changed:  # a function calling a broken one is broken too
        changed = False
        for name, fn in module.functions.items():
            if name not in broken and fn.calls & broken:
                broken.add(name)
                changed = True
    for name in broken:
        del module.functions[name]
    return [c for c in compiled if c[1] not in broken]


def _unique(errors: list[StaticError]) -> list[StaticError]:
    seen, out = set(), []
    for e in errors:
        key = (str(e.span), e.message)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _schema_digest(schema) -> bytes:
    """What the generated code depends on of the schema, for the code cache's key: the built-in
    schema by its file (hashing its text is an eighth of serialising the parsed schema)."""
    from budgetlint.schema import BuiltinSchema, load_schema

    if isinstance(schema, BuiltinSchema) or (load_schema.cache_info().currsize and schema is load_schema()):
        return b"builtin:" + BuiltinSchema.digest()
    import json

    from budgetlint.dsl.cache import blake2b

    text = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    return b"given:" + blake2b(text.encode(), digest_size=32).digest()


def _schema_data(schema):
    """The schema as the compiler takes it (a dict or None): called only when rules are compiled."""
    from budgetlint.schema import BuiltinSchema

    return schema.data() if isinstance(schema, BuiltinSchema) else schema


def load_rulebook(paths: Iterable[Path], schema, display=str) -> Rulebook:
    """The rules of the rule files, compiled: from the cache of generated code when the rule
    files, the schema, the generator and Python are those it was made with, else parsed
    (through the cache of parsed files), checked and generated, and the code cached.

    schema: a schema (dict), None (no schema types), or budgetlint.schema.BUILTIN_SCHEMA, which
    is parsed only if the rules have to be compiled."""
    from budgetlint.dsl import cache

    schema_digest = _schema_digest(schema)
    files = rule_files(paths)
    sources, problems = read_sources(files, display)
    names = tuple(display(f) for f in files)
    made: list = []

    def make_compiler():  # for evaluate() and the generated source: only when asked for
        if not made:
            made.append(build_with_compiler(parse_sources(sources, [])[0], _schema_data(schema))[0])
        return made[0]

    code_key = None if problems else cache.code_key(sources, schema_digest)
    code = cache.load_code(code_key) if code_key else None
    if code is not None:
        try:
            return Rulebook(tuple(rules_of(code)), names, make_compiler)
        except Exception:  # authenticated, yet not a module of ours: made again
            pass
    parsed, problems = parse_sources(sources, problems)
    compiler, code, more = build_with_compiler(parsed, _schema_data(schema))
    problems.extend(more)
    if problems:
        raise RulebookError(problems)
    made.append(compiler)
    if code_key:
        cache.store_code(code_key, code)
    return Rulebook(tuple(rules_of(code)), names, make_compiler)
