"""Parse rule files (the Lark grammar) into frozen AST nodes, with author-friendly syntax errors."""

from __future__ import annotations

import re
import textwrap
from decimal import Decimal
from functools import lru_cache

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedInput, VisitError

from budgetlint.dsl import ast
from budgetlint.dsl.syntax_errors import RuleSyntaxError, explain, syntax_error
from budgetlint.resources import grammar_path

__all__ = ["RuleSyntaxError", "parse_expression", "parse_rules", "parse_source_expression"]


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        start=["start", "expr"],
        propagate_positions=True,
        maybe_placeholders=False,
    )


def _unquote(token: str) -> str:
    if token.startswith('"""'):
        return textwrap.dedent(token[3:-3]).strip("\n")
    body = token[1:-1]
    # only these are escapes; any other backslash stays, so regexes read as written (\d, \s)
    escapes = {"n": "\n", "t": "\t", '"': '"', "'": "'", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(0)), body)


# How deep expressions may nest (parentheses, `not`, unary `-`, `.field`, `[…]`, a chain of
# `+`): the compiler and the evaluator recurse once or twice a level, and Python's stack holds
# ~1000 frames. The deepest built-in rule nests 14 levels (its file and statement levels included).
MAX_NESTING = 100


def parse_rules(text: str, file: str) -> ast.RuleFile:
    """Parse a rule file's text into a RuleFile (rules and definitions)."""
    try:
        tree = _lark().parse(text, start="start")
    except UnexpectedInput as err:
        raise syntax_error(err, text, file, "file") from None
    return _transform(tree, _ToAst(file, text), file, text)


def parse_source_expression(text: str, file: str) -> ast.Node:
    """Parse an expression that is a whole source (`budgetlint eval`): an error points into it."""
    try:
        tree = _lark().parse(text, start="expr")
    except UnexpectedInput as err:
        raise syntax_error(err, text, file, "expression") from None
    return _transform(tree, _ToAst(file, text), file, text)


def parse_expression(text: str, file: str, line: int = 1, column: int = 1) -> ast.Node:
    """Parse one expression (a message hole, a doc example); positions are offset to line:column."""
    try:
        tree = _lark().parse(text, start="expr")
    except UnexpectedInput as err:
        raise RuleSyntaxError(file, line, column, f"in {{{text}}}: " + explain(err, text)) from None
    deep = _too_deep(tree)
    if deep is not None:
        raise RuleSyntaxError(file, line, column, f"in {{…}}: expressions nest more than {MAX_NESTING} deep")
    return _ToAst(file, text, line - 1, column - 1).transform(tree)


def _transform(tree: Tree, transformer: _ToAst, file: str, text: str):
    deep = _too_deep(tree)
    if deep is not None:
        line, column = deep
        source_line = text.splitlines()[line - 1] if 0 < line <= text.count("\n") + 1 else ""
        raise RuleSyntaxError(
            file,
            line,
            column,
            f"expressions nest more than {MAX_NESTING} deep; split this one with `let` or a definition",
            source_line[:200],
        )
    try:
        return transformer.transform(tree)
    except VisitError as err:  # an error raised inside a transformer method (a message hole)
        found = err.orig_exc
        if isinstance(found, RuleSyntaxError):
            if not found.source_line and found.file == file:  # the line and a caret, as Lark's errors
                lines = text.splitlines()
                if 0 < found.line <= len(lines):
                    found = RuleSyntaxError(
                        file, found.line, found.column, found.message, lines[found.line - 1]
                    )
            raise found from None
        raise


def _too_deep(tree: Tree) -> tuple[int, int] | None:
    """line:column of the first node nested more than MAX_NESTING expression levels deep (the
    file's rule and statement levels not counted); None if none is. Walked without recursion."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING + 4:
            meta = node.meta
            return getattr(meta, "line", 1) or 1, getattr(meta, "column", 1) or 1
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))
    return None


_HOLE = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")
_FORMAT = re.compile(r"^(.*?):(\.\d+|%|d)\s*$", re.S)


@v_args(meta=True)
class _ToAst(Transformer):
    def __init__(self, file: str, text: str, line_offset: int = 0, column_offset: int = 0):
        super().__init__()
        self.file, self.text = file, text
        self.line_offset, self.column_offset = line_offset, column_offset

    def _span(self, meta_or_token) -> ast.Span:
        line = getattr(meta_or_token, "line", 1) or 1
        col = getattr(meta_or_token, "column", 1) or 1
        if line == 1:
            col += self.column_offset
        return ast.Span(self.file, line + self.line_offset, col)

    # --- file level
    def start(self, meta, items):
        kinds = (ast.Rule, ast.Define, ast.Import, ast.RuleTemplate)
        rules, defines, imports, templates = (tuple(i for i in items if type(i) is k) for k in kinds)
        return ast.RuleFile(self.file, rules, defines, imports, templates)

    def define(self, meta, children):
        name, *params, body = children
        return ast.Define(self._span(meta), str(name), tuple(str(p) for p in params), body)

    def import_stmt(self, meta, children):
        *names, source = children
        return ast.Import(self._span(meta), tuple(str(n) for n in names), str(source))

    def made_from(self, meta, children):
        name, *args = children
        return ("made_from", (str(name), tuple(args), self._span(meta)))

    def rule(self, meta, children):
        rule_id, *stmts = children
        template = None
        if stmts and isinstance(stmts[0], tuple) and stmts[0][0] == "made_from":
            template = stmts.pop(0)[1]
        return ast.Rule(
            self._span(rule_id), str(rule_id), **self._fields(stmts, f"rule {rule_id}"), template=template
        )

    def template(self, meta, children):
        name, *rest = children
        params = [str(p) for p in rest if isinstance(p, Token)]
        stmts = [s for s in rest if not isinstance(s, Token)]
        body = ast.Rule(self._span(meta), "", **self._fields(stmts, f"template {name}"))
        return ast.RuleTemplate(self._span(meta), str(name), tuple(params), body)

    def _fields(self, stmts: list, where: str) -> dict:
        """A rule's statements as Rule fields: metadata once each; the steps in order, where an
        `assert` opens a Check that the `at`, `message` and `message_en` after it complete."""
        fields: dict = {"steps": []}
        check = None  # the index in steps of the Check being completed
        for kind, value, span in stmts:
            if kind == "step":
                fields["steps"].append(value)
                check = len(fields["steps"]) - 1 if type(value) is ast.Check else check
            elif kind in ("at", "message", "message_en"):
                if check is None:
                    raise RuleSyntaxError(
                        self.file,
                        span.line,
                        span.column,
                        f"'{kind}' belongs to an assert: write it after the assert",
                    )
                previous = fields["steps"][check]
                if getattr(previous, kind) is not None:
                    raise RuleSyntaxError(
                        self.file,
                        span.line,
                        span.column,
                        f"'{kind}' is given twice for the assert at line {previous.span.line} in {where}",
                    )
                fields["steps"][check] = previous._replace(**{kind: value})
            else:
                if kind in fields:
                    raise RuleSyntaxError(
                        self.file, span.line, span.column, f"'{kind}' is given twice in {where}"
                    )
                fields[kind] = value
        fields["steps"] = tuple(fields["steps"])
        return fields

    # --- statements: (field, value, span)
    def title(self, meta, c):
        return ("title", "".join(_unquote(t) for t in c), self._span(meta))

    def title_en(self, meta, c):
        return ("title_en", "".join(_unquote(t) for t in c), self._span(meta))

    def severity(self, meta, c):
        return ("severity", str(c[0]), self._span(meta))

    def basis(self, meta, c):
        return ("basis", "".join(_unquote(t) for t in c), self._span(meta))

    def doc(self, meta, c):
        return ("doc", "".join(_unquote(t) for t in c), self._span(meta))

    def tags(self, meta, c):
        return ("tags", tuple(_unquote(t) if t.startswith('"') else str(t) for t in c), self._span(meta))

    def profiles(self, meta, c):
        return ("profiles", tuple(_unquote(t) if t.startswith('"') else str(t) for t in c), self._span(meta))

    def for_stmt(self, meta, c):
        span = self._span(meta)
        if len(c) == 3:  # for i, x in xs: the position first, as in Python's enumerate
            return ("step", ast.For(span, str(c[1]), c[2], str(c[0])), span)
        return ("step", ast.For(span, str(c[0]), c[1]), span)

    def for_unpack(self, meta, c):
        span = self._span(meta)
        return ("step", ast.For(span, "", c[1], None, c[0]), span)

    def let_stmt(self, meta, c):
        span = self._span(meta)
        return ("step", ast.Let(span, str(c[0]), c[1]), span)

    def let_unpack(self, meta, c):
        span = self._span(meta)
        return ("step", ast.Let(span, "", c[1], c[0]), span)

    def unpack(self, meta, c):
        names = tuple(str(n) for n in c)
        twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if twice is not None:
            span = self._span(meta)
            raise RuleSyntaxError(self.file, span.line, span.column, f"'{twice}' is unpacked twice")
        return names

    def when_stmt(self, meta, c):
        span = self._span(meta)
        return ("step", ast.When(span, c[0]), span)

    def assert_stmt(self, meta, c):
        span = self._span(meta)
        guard = c[1] if len(c) > 1 else None  # `assert X if Y`: X is checked only where Y is true
        return ("step", ast.Check(span, c[0], guard=guard), span)

    def at_stmt(self, meta, c):
        return ("at", c[0], self._span(meta))

    # A long message is written as several strings one after another, joined with nothing
    # between them (Chinese text has no spaces to break at).
    def message(self, meta, c):
        return ("message", self._joined(c), self._span(meta))

    def message_en(self, meta, c):
        return ("message_en", self._joined(c), self._span(meta))

    def _joined(self, tokens: list[Token]) -> ast.Template:
        parts: list = []
        for token in tokens:
            parts.extend(self._template(token).parts)
        merged: list = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            else:
                merged.append(p)
        return ast.Template(self._span(tokens[0]), tuple(merged))

    def _template(self, token: Token) -> ast.Template:
        text = _unquote(token)
        parts: list = []
        pos = 0
        span = self._span(token)
        places = self._hole_places(token, span)
        for m in _HOLE.finditer(text):
            parts.append(text[pos : m.start()])
            pos = m.end()
            if m.group(0) in ("{{", "}}"):
                parts.append(m.group(0)[0])
                continue
            inner, fmt = m.group(1), ""
            fm = _FORMAT.match(inner)
            if fm:
                inner, fmt = fm.group(1), fm.group(2)
            line, column = next(places, (span.line, span.column))
            parts.append((parse_expression(inner, self.file, line, column), fmt))
        parts.append(text[pos:])
        merged: list = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            elif p != "":
                merged.append(p)
        return ast.Template(span, tuple(merged))

    @staticmethod
    def _hole_places(token: Token, span: ast.Span):
        """line:column in the file where each hole's expression starts, in order (escapes hold
        no braces, so the string as written has the same holes as its text). A triple-quoted
        string is dedented: its holes are placed at the string's start."""
        raw = str(token)
        if raw.startswith('"""'):
            return iter(())
        out = []
        for m in _HOLE.finditer(raw, 1, len(raw) - 1):
            if m.group(1) is None:
                continue
            at = m.start() + 1
            newline = raw.rfind("\n", 0, at)
            line = span.line + raw.count("\n", 0, at)
            out.append((line, at - newline if newline >= 0 else span.column + at))
        return iter(out)

    # --- expressions
    def cond(self, meta, c):
        return ast.Cond(self._span(meta), *c)

    def or_(self, meta, c):
        return ast.Or(self._span(meta), c[0], c[1])

    def and_(self, meta, c):
        return ast.And(self._span(meta), c[0], c[1])

    def not_(self, meta, c):
        return ast.Not(self._span(meta), c[0])

    def compare(self, meta, c):
        return ast.Compare(self._span(meta), str(c[1]), c[0], c[2])

    def compare_tol(self, meta, c):
        return ast.Compare(self._span(meta), str(c[1]), c[0], c[2], c[4])

    def in_(self, meta, c):
        return ast.In(self._span(meta), c[0], c[1], False)

    def not_in(self, meta, c):
        return ast.In(self._span(meta), c[0], c[1], True)

    def binop(self, meta, c):
        return ast.BinOp(self._span(meta), str(c[1]), c[0], c[2])

    def neg(self, meta, c):
        return ast.Neg(self._span(meta), c[0])

    def attr(self, meta, c):
        return ast.Attr(self._span(meta), c[0], str(c[1]))

    def index(self, meta, c):
        return ast.Index(self._span(meta), c[0], c[1])

    def number(self, meta, c):
        return ast.Literal(self._span(meta), Decimal(str(c[0])))

    def string(self, meta, c):  # "a" "b" is "ab", so a long text or pattern continues on the next line
        return ast.Literal(self._span(meta), "".join(_unquote(t) for t in c))

    def true(self, meta, c):
        return ast.Literal(self._span(meta), True)

    def false(self, meta, c):
        return ast.Literal(self._span(meta), False)

    def null(self, meta, c):
        return ast.Literal(self._span(meta), None)

    def it(self, meta, c):
        return ast.It(self._span(meta))

    def call(self, meta, c):
        return ast.Call(self._span(meta), str(c[0]), tuple(c[1:]))

    def name(self, meta, c):
        return ast.Name(self._span(meta), str(c[0]))

    def list(self, meta, c):
        return ast.ListLit(self._span(meta), tuple(c))

    def comprehension(self, meta, c):
        test = c[3] if len(c) > 3 else None
        return ast.Comprehension(self._span(meta), c[0], str(c[1]), c[2], test)

    def set(self, meta, c):
        return ast.SetLit(self._span(meta), tuple(c))

    def record(self, meta, c):
        names = [name for name, _ in c]
        twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if twice is not None:
            span = self._span(meta)
            raise RuleSyntaxError(self.file, span.line, span.column, f"the record gives '{twice}' twice")
        return ast.RecordLit(self._span(meta), tuple(c))

    def field(self, meta, c):
        return (str(c[0]), c[1])
