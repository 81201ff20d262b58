"""Built-in functions on text: string tests, numbers and units inside indicator values, years,
dates, doubled words, and the regular expressions `matches()` accepts."""

from __future__ import annotations

import operator
import re
import sys
from datetime import date
from decimal import Decimal

from budgetlint.dsl.fn_base import Builtin, as_places, as_text
from budgetlint.dsl.values import RuleTypeError


def _string_test(test):
    def impl(s, part):
        if type(s) is str and type(part) is str:  # the usual case, in filters over table rows
            return test(s, part)
        return _other_string_test(test, s, part)

    return impl


def _other_string_test(test, s, part):
    s, part = as_text(s, "a string test"), as_text(part, "a string test")
    return None if s is None or part is None else test(s, part)


def _once_per_text(key: str, fn):
    """fn(text) computed once per document for each text: the indicator values PERF rules read
    (≤1%, ≥240人) are read by several rules, 108 calls of number() for 13 texts on the seed.
    Only for results nothing can change (a number, a text, null): every caller gets the same."""
    missing = object()

    def impl(memo: dict, s):
        if type(s) is not str:  # null or not text: as fn says, every time
            return fn(s)
        seen = memo.get(key)
        if seen is None:
            seen = memo[key] = {}
        value = seen.get(s, missing)
        if value is missing:
            value = seen[s] = fn(s)
        return value

    return impl


_NUMBER_IN_TEXT = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


_COMPARATOR = re.compile(r"^\s*(≥|≤|>=|<=|=|＝|>|<|＞|＜)")


_COMPARATORS = {">=": "≥", "<=": "≤", "＝": "=", "＞": ">", "＜": "<"}


def _number_in(s):
    if type(s) is not str:  # text, the usual case, needs no call to check it
        s = as_text(s, "number()")
    if s is None:
        return None
    m = _NUMBER_IN_TEXT.search(s)
    return Decimal(m.group(0).replace(",", "")) if m else None


def _comparator(s):
    if type(s) is not str:
        s = as_text(s, "comparator()")
    m = _COMPARATOR.match(s) if s is not None else None
    return _COMPARATORS.get(m.group(1), m.group(1)) if m else None


def _unit(s):
    if type(s) is not str:
        s = as_text(s, "unit()")
    m = _NUMBER_IN_TEXT.search(s) if s is not None else None
    return s[m.end() :].strip() or None if m else None


# A year as these texts write one: 19xx/20xx before 年 (2023年, 2023 年度) or starting a date
# (2023-01-01). An amount (1960.00 万元, 2000万元) or a document number (赣府厅发〔2015〕79号) is not
# a year, though its digits look like one. Compiled once: re.findall() would look it up per call.
# The literal 19/20 comes first and the look-behind (no digit or point before it) after, so the
# regex engine skips ahead to a "19" or "20" instead of testing the look-behind everywhere (3×).
_YEAR = re.compile(r"(?:19|20)(?<![\d.]..)\d\d(?=\s*年|[-/]\d)")


def _years(s):
    if type(s) is not str:
        s = as_text(s, "years()")
    return None if s is None else [Decimal(y) for y in _YEAR.findall(s)]


def _year(s):
    found = _years(s)
    return found[0] if found else None


def _matches(s, pattern):
    if type(s) is not str:
        s = as_text(s, "matches()")
    return None if s is None else pattern.search(s) is not None


def _matched(s, pattern):
    # the text a pattern found, so a message can quote it (FA-50: which leftover of the template)
    if type(s) is not str:
        s = as_text(s, "matched()")
    if s is None:
        return None
    if type(pattern) is re.Pattern:  # a pattern that cannot backtrack runs on Python's re
        found = pattern.search(s)
        return None if found is None else found.group(0)
    return pattern.found(s)


_LONGEST_REPEAT = 20  # a doubled word or phrase, not a repeated paragraph

# Of "utf-32" (a byte order mark, then the machine's order: the one with a fast path in CPython;
# "utf-32-le" is looked up in the codec registry, ~1 000 instructions a call), each character's
# lowest byte is every fourth from this one.
_LOWEST = 4 if sys.byteorder == "little" else 7
# For each size n: the shift of n characters, and the n zero bytes a doubled run of n leaves
_SHIFTS = [(8 * n, b"\0" * n) for n in range(_LONGEST_REPEAT + 1)]
_PUNCTUATION = re.compile("[，。、；：（）“”《》,;:() \u3000\n]")  # none a word character
_NOT_WORD = re.compile(r"[^\w.%]")  # what ends a word: "收入、事业收入、事业" is a list, not a doubled word


def _repeated(s, min_len=Decimal(2)):
    """The first run of ≥ min_len word characters (one of them Chinese) printed twice in a row.

    "解决企业职工企业职工基本养老保险" → "企业职工"; null when there is none. The first is the one
    that starts first; of those starting at one place, the shortest ("2020年2020年": "20" repeats
    there first, but has no Chinese, so the run is "2020年"). Word characters are \\w, "." and
    "%"; a run is at most _LONGEST_REPEAT characters (a doubled word, not a repeated paragraph).
    """
    if type(s) is not str:
        s = as_text(s, "repeated()")
    if s is None:
        return None
    shortest = as_places(min_len) or 1
    # A doubled run is word characters: it lies between two of these, so a run of n needs a
    # stretch of 2n without one (a third of the sizes fewer to look for on the seed's prose).
    longest = max(map(len, _PUNCTUATION.split(s))) // 2
    if longest > _LONGEST_REPEAT:
        longest = _LONGEST_REPEAT
    if shortest > longest or not ("\u4e00" <= s[0] <= "\u9fff" or _has_chinese(s)):
        return None
    # A run of n characters doubled at i is n characters each equal to the one n before. With the
    # text as one integer, a byte a character (its lowest: equal characters, equal bytes), byte j
    # of `lanes ^ (lanes >> n bytes)` is zero where s[j] == s[j - n] may hold, and n zero bytes
    # in a row are a candidate, found by bytes.find: per size, a few passes of C over the text.
    # A regex trying every size at every position cost 2× as much (ADR 001, session 8).
    low = s.encode("utf-32", "surrogatepass")[_LOWEST::4]
    size = len(low)
    lanes = int.from_bytes(low)
    plan = _SHIFTS[shortest : longest + 1]
    firsts = [(lanes ^ (lanes >> bits)).to_bytes(size).find(zeros) for bits, zeros in plan]
    if max(firsts) < 0:  # the usual case: no candidate of any size
        return None
    found, before = None, size  # the best run so far, and where it starts
    for n, (bits, zeros), at in zip(range(shortest, longest + 1), plan, firsts, strict=True):
        same = None
        while at >= 0:
            i = at - n  # the first n bytes compare a character with none: at < n is no run
            if i >= before:  # a run found later than the best loses to it, a longer one too
                break
            nxt = i + 1
            run = s[i : i + n] if i >= 0 else None
            if run is None:
                nxt = 0
            elif run == s[i + n : i + 2 * n]:  # not just the same lowest bytes
                bad = _NOT_WORD.search(run)
                if bad is not None:  # no doubled run of n covers this character or its copy
                    nxt = i + bad.start() + n + 1
                elif _has_chinese(run):
                    found, before = run, i
                    break
                else:  # nor Chinese in the copy: a run of n with Chinese starts after it
                    nxt = i + n + 1
            if same is None:
                same = (lanes ^ (lanes >> bits)).to_bytes(size)
            at = same.find(zeros, nxt + n)
    return found


def _has_chinese(run: str) -> bool:
    # Not re.compile("[\u4e00-\u9fff]"): compiling a class of 21 000 characters takes ~2 ms, on
    # every run, for runs of at most _LONGEST_REPEAT characters.
    return any("\u4e00" <= ch <= "\u9fff" for ch in run)


def _abbreviates(short, full):
    """`short` keeps the characters of `full` in order (县社保中心 ⊑ 寻乌县社会保险服务中心)."""
    short, full = as_text(short, "abbreviates()"), as_text(full, "abbreviates()")
    if short is None or full is None:
        return None
    rest = iter(full)
    return bool(short) and all(ch in rest for ch in short)


def _days(start, end):
    """Calendar days from one ISO date (YYYY-MM-DD) to another: days("2023-02-01", "2023-02-21") = 20."""
    start, end = as_text(start, "days()"), as_text(end, "days()")
    if start is None or end is None:
        return None
    try:
        return Decimal((date.fromisoformat(end) - date.fromisoformat(start)).days)
    except ValueError:
        raise RuleTypeError(f"days() needs dates as YYYY-MM-DD, got {start!r} and {end!r}") from None


def compile_pattern(pattern: str):
    """Compile a `matches()` pattern to run in linear time (budgetlint/dsl/regex.py)."""
    from budgetlint.dsl.regex import compile_pattern as linear

    return linear(pattern)


TEXT_BUILTINS: dict[str, Builtin] = {
    "contains": Builtin(_string_test(operator.contains), 2, 2, "text contains a part", logical=True),
    "starts_with": Builtin(_string_test(str.startswith), 2, 2, "text starts with a prefix", logical=True),
    "ends_with": Builtin(_string_test(str.endswith), 2, 2, "text ends with a suffix", logical=True),
    "matches": Builtin(_matches, 2, 2, "text matches a regular expression (a string literal)", logical=True),
    "matched": Builtin(_matched, 2, 2, "the text a pattern (a string literal) finds first; null if none"),
    "number": Builtin(
        _once_per_text("number()", _number_in),
        1,
        1,
        "the first number in a text (≥240人 → 240)",
        per_document=True,
    ),
    "comparator": Builtin(
        _once_per_text("comparator()", _comparator),
        1,
        1,
        "the leading ≥ ≤ = > < of a text",
        per_document=True,
    ),
    "unit": Builtin(
        _once_per_text("unit()", _unit),
        1,
        1,
        "the text after the first number (≥240人 → 人)",
        per_document=True,
    ),
    "year": Builtin(_year, 1, 1, "the first year in a text (19xx/20xx before 年, or a date's)"),
    "years": Builtin(_years, 1, 1, "every year in a text (19xx/20xx before 年, or a date's)"),
    "repeated": Builtin(_repeated, 1, 2, "a run of ≥ n characters printed twice in a row (企业职工企业职工)"),
    "abbreviates": Builtin(
        _abbreviates, 2, 2, "a short name keeps the full name's characters in order", logical=True
    ),
    "days": Builtin(_days, 2, 2, "calendar days from one ISO date to another"),
}
