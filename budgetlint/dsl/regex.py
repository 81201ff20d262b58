"""The regular expressions of `matches()`: written in Python's syntax, run by RE2 in linear time.

A backtracking engine (Python's `re`) can take exponential time on `(a|a)+$` or polynomial time
on `a*a*a*a*!`; no static check short of refusing every unbounded repetition keeps it linear.
RE2 (google-re2) runs any pattern in time linear in the text, and refuses what cannot run so
(look-around, back-references). A pattern is first compiled by Python's `re` (its syntax
errors, as authors know them), then written out in RE2's syntax with Python's meaning kept
where the two differ: `\\d`, `\\w`, `\\s` are Unicode (RE2's are ASCII), `\\uXXXX`, `\\Z`, `$`
before a final newline, `{,n}`. Constructs RE2 lacks are refused with a message.

A pattern without unbounded repetition (`*`, `+`, `{n,}`) and with few ways to match at a
place (`减|降|压缩`, `^[千万亿]?元$`: at most PATHS, counted statically) is linear under Python's
`re` too: from each start, at most PATHS paths of bounded length are tried. Those run on `re`,
which is ~1 µs a call faster than RE2 through Python (most built-in patterns are such lists);
every other pattern runs on RE2. Both read the pattern with the same meaning, and the refusals
(look-around, back-references, `\\b`) apply to both.

RE2 is imported at the first pattern that needs it (~5 ms), and its low-level object is called
directly: the `re2` module's search() adds ~4 µs of Python per call.
"""

from __future__ import annotations

import re

MAX_PATTERN = 200
PATHS = 1000

_D = r"\p{Nd}"
_W = r"\p{L}\p{N}_"  # Python's \w: str.isalnum() or "_"
_S = r"\t\n\v\f\r\x{1c}-\x{1f}\x{85}\p{Z}"  # Python's \s: str.isspace()
_OUTSIDE = {"d": _D, "D": r"\P{Nd}", "w": f"[{_W}]", "W": f"[^{_W}]", "s": f"[{_S}]", "S": f"[^{_S}]"}
_INSIDE = {"d": _D, "D": r"\P{Nd}", "w": _W, "s": _S}
_KEPT_ESCAPES = set("afnrtv\\") | {"A"}
_REFUSED_GROUPS = {
    "=": "look-ahead (?=…)",
    "!": "look-ahead (?!…)",
    "<=": "look-behind (?<=…)",
    "<!": "look-behind (?<!…)",
    "P=": "back-references (?P=…)",
    ">": "atomic groups (?>…)",
    "(": "conditional groups (?(…)…)",
}


class _Linear:
    """A compiled pattern: search() as matches() uses it (None or not), found() for matched()."""

    __slots__ = ("_match", "_needed", "_unanchored", "pattern")

    def __init__(self, pattern: str, compiled, needed: tuple[str, ...] = ()):
        self.pattern = pattern
        self._match = compiled.Match
        self._unanchored = _anchor()
        # A text without any of these cannot match: str's `in` says so without encoding the text
        # and calling RE2 (~15 000 instructions a call on the seed's prose; META-08 "…其中").
        self._needed = needed

    def _cannot_match(self, text: str) -> bool:
        # a loop, not all() over a generator: creating the generator cost more than the tests
        for part in self._needed:
            if part in text:
                return False
        return bool(self._needed)

    def search(self, text: str):
        if self._needed and self._cannot_match(text):
            return None
        encoded = text.encode("utf-8", "surrogatepass")
        return True if self._match(self._unanchored, encoded, 0, len(encoded))[0][0] >= 0 else None

    def found(self, text: str) -> str | None:
        """The first text the pattern finds (matched()), None if none; RE2 gives byte offsets."""
        if self._needed and self._cannot_match(text):
            return None
        encoded = text.encode("utf-8", "surrogatepass")
        start, end = self._match(self._unanchored, encoded, 0, len(encoded))[0]
        return None if start < 0 else encoded[start:end].decode("utf-8", "surrogatepass")


def _anchor():
    from re2 import _re2

    return _re2.RE2.Anchor.UNANCHORED


def compile_pattern(pattern: str) -> _Linear:
    """Compile a `matches()` pattern; ValueError with an author's message if it cannot be used."""
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"regular expression longer than {MAX_PATTERN} characters")
    try:
        re.compile(pattern)
    except re.error as err:
        raise ValueError(f"invalid regular expression: {err}") from None
    translated = to_re2(pattern)
    if _paths(pattern) <= PATHS:
        return re.compile(pattern)
    return _on_re2(pattern, translated, needed(pattern))


def _on_re2(pattern: str, translated: str, needs: tuple[str, ...]) -> _Linear:
    try:
        from re2 import _re2
    except ImportError:  # pragma: no cover - a dependency of the package
        raise ValueError("matches() needs the google-re2 package (pip install google-re2)") from None
    options = _re2.RE2.Options()
    options.log_errors = False  # RE2 would print its own copy of the error on standard error
    compiled = _re2.RE2(translated.encode("utf-8", "surrogatepass"), options)
    if not compiled.ok():
        problem = compiled.error()
        problem = problem.decode("utf-8", "replace") if isinstance(problem, bytes) else str(problem)
        raise ValueError(f"regular expression not supported by the linear-time engine (RE2): {problem}")
    return _Linear(pattern, compiled, needs)


def plan(pattern: str) -> tuple:
    """What compile_pattern makes of a pattern, worked out when its rule is compiled and kept in
    the generated code (and so in the code cache), so that a run only builds the pattern:
    ("re2", RE2's text, needed(pattern)) for RE2; for Python's re, ("re", flags, program, groups, groupindex,
    indexgroup), the arguments re's compiler gives _sre.compile, or ("re",) where they cannot
    be had. Parsing, translating and counting a pattern's paths, then re's parser and compiler,
    were ~90 % of what the rules' first document cost beyond the next one (13 patterns on the
    seed). The program is valid for this Python only: the code cache is keyed by its version.
    ValueError (the author's message) if the pattern cannot be used."""
    compiled = compile_pattern(pattern)
    if type(compiled) is not re.Pattern:
        return ("re2", to_re2(pattern), needed(pattern))
    program = _re_program(pattern)
    return ("re", *program) if program is not None else ("re",)


def from_plan(pattern: str, planned: tuple):
    """The compiled pattern plan(pattern) describes: what compile_pattern(pattern) returns."""
    try:
        if planned[0] == "re2":
            return _on_re2(pattern, planned[1], planned[2])
        if len(planned) == 6:
            import _sre

            flags, program, groups, groupindex, indexgroup = planned[1:]
            return _sre.compile(pattern, flags, list(program), groups, dict(groupindex), tuple(indexgroup))
    except Exception:  # a plan this Python cannot use: compiled the long way
        return compile_pattern(pattern)
    return re.compile(pattern)


def _re_program(pattern: str) -> tuple | None:
    """The arguments re.compile(pattern) passes to _sre.compile (re._compiler.compile), or None
    if this Python's re is not built that way; checked against re.compile's own result."""
    try:
        import _sre

        try:
            from re import _compiler, _parser  # type: ignore[attr-defined]
        except ImportError:  # pragma: no cover - Python 3.10
            import sre_compile as _compiler  # type: ignore[no-redef]
            import sre_parse as _parser  # type: ignore[no-redef]
        parsed = _parser.parse(pattern, 0)
        program = tuple(map(int, _compiler._code(parsed, 0)))  # its opcodes' repr is their name
        groupindex = dict(parsed.state.groupdict)
        indexgroup = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        args = (int(parsed.state.flags), program, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        built, reference = _sre.compile(pattern, args[0], list(program), *args[2:]), re.compile(pattern)
        same = (built.pattern, built.flags, built.groups, built.groupindex) == (
            reference.pattern,
            reference.flags,
            reference.groups,
            reference.groupindex,
        )
        return args if same else None
    except Exception:  # pragma: no cover - an re whose internals differ: compiled at run time
        return None


def to_re2(pattern: str) -> str:
    """Python's syntax (already known to compile) → RE2's, with Python's meaning kept."""
    out: list[str] = []
    i, n = 0, len(pattern)
    multiline = bool(re.search(r"\(\?[a-zA-Z]*m", pattern))
    while i < n:
        c = pattern[i]
        if c == "\\":
            text, i = _escape(pattern, i, inside=False)
            out.append(text)
        elif c == "[":
            text, i = _class(pattern, i)
            out.append(text)
        elif c == "(" and pattern.startswith("(?", i):
            text, i = _group(pattern, i)
            out.append(text)
        elif c == "$" and not multiline:
            out.append(r"(?:\n?\z)")  # Python's `$`: at the end, or before a newline that ends it
            i += 1
        elif c == "{":
            m = re.compile(r"\{(\d*),(\d*)\}").match(pattern, i)
            if m and not m.group(1) and m.group(2):  # {,n}: Python's {0,n}; RE2 reads it as text
                out.append("{0," + m.group(2) + "}")
                i = m.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _escape(pattern: str, i: int, inside: bool) -> tuple[str, int]:
    c = pattern[i + 1]
    table = _INSIDE if inside else _OUTSIDE
    if c in table:
        return table[c], i + 2
    if c in "WS" and inside:
        raise ValueError(f"\\{c} inside [ ] is not supported; write a negated class [^…] instead")
    if c in "bB":
        raise ValueError(f"\\{c} (word boundary) is not supported: Chinese text has no word boundaries")
    if c.isdigit() and c != "0":
        raise ValueError("back-references are not allowed in patterns")
    if c == "Z":
        return r"\z", i + 2
    if c in "uU":
        size = 4 if c == "u" else 8
        return "\\x{" + pattern[i + 2 : i + 2 + size] + "}", i + 2 + size
    if c == "x":
        return "\\x{" + pattern[i + 2 : i + 4] + "}", i + 4
    if c == "0":
        m = re.compile(r"0[0-7]{0,2}").match(pattern, i + 1)
        return f"\\x{{{int(m.group(0), 8):x}}}", m.end()
    if c == "N":
        end = pattern.index("}", i)
        import unicodedata

        return _literal(unicodedata.lookup(pattern[i + 3 : end])), end + 1
    if c in _KEPT_ESCAPES or (c.isascii() and not c.isalnum()):
        return "\\" + c, i + 2
    return _literal(c), i + 2  # Python reads any other escaped character as itself


def _literal(ch: str) -> str:
    return f"\\x{{{ord(ch):x}}}"


def _class(pattern: str, i: int) -> tuple[str, int]:
    out = ["["]
    i += 1
    if pattern.startswith("^", i):
        out.append("^")
        i += 1
    first = True
    while True:
        c = pattern[i]
        if c == "]" and not first:
            out.append("]")
            return "".join(out), i + 1
        if c == "\\":
            text, i = _escape(pattern, i, inside=True)
            out.append(text)
        elif c in "[]":  # literal in Python; RE2 would read [: as a POSIX class
            out.append("\\" + c)
            i += 1
        else:
            out.append(c)
            i += 1
        first = False


def _group(pattern: str, i: int) -> tuple[str, int]:
    rest = pattern[i + 2 :]
    for prefix, what in _REFUSED_GROUPS.items():
        if rest.startswith(prefix):
            raise ValueError(f"{what} is not supported: matches() runs in linear time (RE2)")
    if rest.startswith("#"):  # a comment: dropped
        return "", pattern.index(")", i) + 1
    if rest.startswith("P<"):
        return "(?P<", i + 4
    m = re.compile(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])").match(rest)
    if m:
        flags = (m.group(1) or "") + (m.group(2) or "")
        for flag in flags:
            if flag not in "imsu":
                raise ValueError(f"the flag (?{flag}) is not supported in patterns")
        on, off = m.group(1).replace("u", ""), (m.group(2) or "").replace("u", "")
        if not on and not off:
            return ("(?:" if m.group(3) == ":" else ""), i + 2 + m.end()
        text = "(?" + on + ("-" + off if off else "") + m.group(3)
        return text, i + 2 + m.end()
    return "(?", i + 2


def needed(pattern: str) -> tuple[str, ...]:
    """Texts of which every match holds at least one, () when the pattern has none to offer.

    A run of literal characters at the top level of the pattern is in every match (其中 in
    `[0-9元]\\s*其中`); of an alternation at the top level, each branch's longest run is, and
    a match holds one of them (`X[Xx]+|增加（减少）` → X, 增加（减少）). Without case: under
    (?i) a literal also matches its other case, so nothing is offered.
    """
    try:
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        parsed = parser.parse(pattern)
    except Exception:  # pragma: no cover - compile_pattern parsed it already
        return ()
    if parsed.state.flags & re.IGNORECASE:
        return ()
    items = list(parsed)
    if len(items) == 1 and str(items[0][0]) == "BRANCH":
        branches = [_longest_literal(branch) for branch in items[0][1][1]]
        return () if not all(branches) else tuple(dict.fromkeys(branches))
    run = _longest_literal(items)
    return (run,) if run else ()


def _longest_literal(items) -> str:
    best, run = "", []
    for op, arg in [*items, (None, None)]:
        if str(op) == "LITERAL":
            run.append(chr(arg))
            continue
        if len(run) > len(best):
            best = "".join(run)
        run = []
    return best


def _paths(pattern: str) -> float:
    """How many ways the pattern has to match from one place, at most; inf when unbounded."""
    try:
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python 3.10
        import sre_parse as parser  # type: ignore[no-redef]
    try:
        return _count(parser.parse(pattern), parser)
    except Exception:  # pragma: no cover - a parser that changed: RE2 runs it
        return float("inf")


def _count(items, parser) -> float:
    c = parser  # opcodes: re._constants names exposed by the parser module
    total = 1.0
    for op, arg in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN", "AT", "CATEGORY"):
            n = 1.0
        elif name == "SUBPATTERN":
            n = _count(arg[-1], c)
        elif name == "BRANCH":
            n = sum(_count(b, c) for b in arg[1])
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, inner = arg
            if high == parser.MAXREPEAT or high > PATHS:
                return float("inf")
            each = _count(inner, c)
            n = sum(each**k for k in range(low, high + 1)) if each > 1 else float(high - low + 1)
        else:  # back-references, look-around, atomic or possessive: not counted
            return float("inf")
        total *= n
        if total > PATHS:
            return float("inf")
    return total
