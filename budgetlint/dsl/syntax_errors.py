"""Syntax errors of rule files in plain words: file:line:col, the source line, a caret, and what
was expected; the common mistakes (a missing quote, `=` for `==`, an unknown keyword) named."""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

STATEMENT_KEYWORDS = (
    "title", "title_en", "severity", "basis", "tags", "profiles", "doc",
    "for", "let", "when", "assert", "at", "message", "message_en",
)  # fmt: skip

_EXPECTED_WORDS = {
    "NAME": "a name",
    "STRING": 'a string in double quotes ("…")',
    "NUMBER": "a number",
    "RULE_ID": "a rule id such as PCT-002 (capital letters, digits and dashes)",
    "SEVERITY": "a severity: error, warning or info",
    "COMPOP": "a comparison (==, !=, <, <=, >, >=)",
    "TOL": "a tolerance (± or +-)",
    "ADDOP": "+ or -",
    "MULOP": "* or /",
    "SETOP": "| or &",
    "MINUS": "'-'",
    "IF": "'if'",
    "NOT": "'not'",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "DOT": "'.'",
    "EQUAL": "'='",
    "WORD": "a tag",
    "$END": "the end of the file",
}


class RuleSyntaxError(Exception):
    """A rule file that does not parse: file:line:col, the source line, a caret and a plain message."""

    def __init__(self, file: str, line: int, column: int, message: str, source_line: str = ""):
        self.file, self.line, self.column, self.message = file, line, column, message
        self.source_line = source_line
        super().__init__(self.render())

    def render(self) -> str:
        head = f"{self.file}:{self.line}:{self.column}: syntax error: {self.message}"
        if not self.source_line:
            return head
        caret = " " * (self.column - 1) + "^"
        return f"{head}\n    {self.source_line}\n    {caret}"


def _describe(expected: set[str]) -> str:
    words = []
    for name in sorted(expected):
        if name in _EXPECTED_WORDS:
            words.append(_EXPECTED_WORDS[name])
        elif name.isupper() and not name.startswith("__"):
            words.append(f"'{name.lower()}'")
    words = sorted(set(words))
    if not words:
        return "something else"
    return words[0] if len(words) == 1 else "one of: " + ", ".join(words)


def explain(err: UnexpectedInput, text: str, what: str = "file") -> str:
    if isinstance(err, UnexpectedCharacters):
        char = text[err.pos_in_stream] if err.pos_in_stream < len(text) else ""
        if char == '"':
            return 'unterminated string: the closing " is missing'
        if char == "=":
            return "'=' is not a comparison: write '==' to compare ('=' only binds a name in let/def)"
        return f"unexpected character {char!r}; expected {_describe(set(err.allowed or ()))}"
    if isinstance(err, UnexpectedEOF):
        return f"the {what} ends too early; expected {_describe(set(err.expected))}"
    assert isinstance(err, UnexpectedToken)
    tok = err.token
    expected = set(err.expected)
    if tok.type == "EQUAL" or tok.value == "=":
        return "'=' is not a comparison: write '==' to compare ('=' only binds a name in let/def)"
    if tok.type in ("NAME", "WORD") and expected & {"TITLE", "ASSERT", "MESSAGE", "RBRACE"}:
        from budgetlint.hints import nearest

        near = nearest(tok.value, STATEMENT_KEYWORDS)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        return f"unknown keyword '{tok.value}'{hint}; a rule body holds: " + ", ".join(STATEMENT_KEYWORDS)
    if tok.type == "$END":
        return f"the {what} ends too early; expected {_describe(expected)}"
    return f"unexpected {tok.value!r}; expected {_describe(expected)}"


def _source_line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def syntax_error(err: UnexpectedInput, text: str, file: str, what: str) -> RuleSyntaxError:
    line = getattr(err, "line", -1)
    col = getattr(err, "column", -1)
    at_end = isinstance(err, UnexpectedToken) and err.token.type == "$END"  # lark gives the last token
    if line in (None, -1) or at_end:  # end of input
        line = text.count("\n") + 1
        col = len(text.rsplit("\n", 1)[-1]) + 1
    return RuleSyntaxError(file, line, col, explain(err, text, what), _source_line(text, line))
