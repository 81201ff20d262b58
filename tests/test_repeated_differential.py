"""repeated() gives what the regex implementation it replaced gave, on every input tried.

The old implementation is kept here as the reference: a lookahead and back-reference tried at
every position, then longer runs at the same position while the run has no Chinese. It is
compared on every string of every sample, on edge cases written by hand, and on a few thousand
seeded random strings over a small alphabet (so doubled runs are common and the test repeats).
"""

from __future__ import annotations

import random
import re
from decimal import Decimal
from functools import lru_cache

import pytest

from budgetlint.dsl.fn_text import _LONGEST_REPEAT, _repeated
from tests.conftest import sample_texts


def reference(s, shortest):
    """The old _repeated, with one fix: a 20-character run without Chinese (the longest a run
    may be) stops the search at its position. The old code compiled a pattern for 21 and up
    there, which re refuses ("min repeat greater than max repeat"): the rule failed."""
    if s is None:
        return None
    for m in _pattern(shortest).finditer(s):
        run, at = m.group(1), m.start()
        while not _chinese(run):
            if len(run) >= _LONGEST_REPEAT:  # the fix
                break
            longer = _pattern(len(run) + 1).match(s, at)
            if longer is None:
                break
            run = longer.group(1)
        else:
            return run
    return None


def _chinese(run):
    return any("\u4e00" <= ch <= "\u9fff" for ch in run)


@lru_cache(maxsize=32)
def _pattern(shortest):
    return re.compile(rf"(?=([\w.%]{{{shortest},{_LONGEST_REPEAT}}}?)\1)")


SAMPLE_TEXTS = sorted(sample_texts(printed=True))


def _same(text, shortest):
    assert _repeated(text, Decimal(shortest)) == reference(text, shortest), (text, shortest)


def test_the_samples_hold_enough_prose_to_compare():
    # the comparison below means something only if the samples' texts reach it, doubled words too
    assert len(SAMPLE_TEXTS) > 1000
    assert sum(reference(t, 2) is not None for t in SAMPLE_TEXTS) >= 3


@pytest.mark.parametrize("shortest", [1, 2, 3, 4])
def test_same_on_every_sample_text(shortest):
    for text in SAMPLE_TEXTS:
        _same(text, shortest)


EDGE_CASES = [
    "",
    "中",
    "中中",
    "人人享有",
    "2020年2020年",  # "20" repeats first, without Chinese: the run is "2020年"
    "2020年2020",
    "1010年1010年",
    "万元万元",
    "万元 万元",
    "万元、万元",
    "收入、事业收入、事业",
    "解决企业职工企业职工基本养老保险",
    "2,495.56 2,495.56",
    "45%45%增长增长",
    "45%增45%增",
    "1.5万1.5万",
    ".中.中",
    "_中_中",
    "中" * 41,
    "中文" * 25,
    "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉" * 2,  # 20 characters doubled: the longest
    "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌" * 2,  # 21: too long to be a doubled word
    "abcdefghijklmnopqrst" * 2,  # 20 without Chinese: the old code failed here
    "abcdefghijklmnopqrst" * 2 + "中中",
    "a" * 50 + "中中",
    "0" * 300 + "年年",
    "0" * 300,
    "1" * 19 + "中" + "1" * 19 + "中",  # 20 with Chinese only at its end
    "中" + "1" * 19 + "中" + "1" * 19,
    "\u4dff\u4dff\u4e00\u4e00",  # the block's ends
    "\u9fff\ua000\u9fff\ua000",
    "ｘｘ某某",
    "\U00020000\U00020000中中",  # beyond U+FFFF: two UTF-16 units a character
    "\U00020000中\U00020000中",
    "中\U00020000中\U00020000",
    "\x00\x00中",
    "中\x00中\x00",
    "中中\x00",
    "\x00" * 10 + "中",
    "\ud800\ud800中中",  # a lone surrogate, as a JSON escape can give
    "Ａ中Ａ中",
    "２０２０年２０２０年",
    "一一二二",
    "abab中中abab",
    "ab中ab中ab中",
]


@pytest.mark.parametrize("text", EDGE_CASES)
@pytest.mark.parametrize("shortest", [1, 2, 3, 5, 12])
def test_same_on_edge_cases(text, shortest):
    _same(text, shortest)


def test_a_doubled_run_of_twenty_without_chinese_is_not_a_failure():
    assert _repeated("abcdefghijklmnopqrst" * 2, Decimal(2)) is None
    assert _repeated("abcdefghijklmnopqrst" * 2 + "税税", Decimal(1)) == "税"


# Chinese characters, some of them one UTF-16 unit apart, digits, what a number holds, what ends a
# word, and one character beyond U+FFFF: small, so that doubled runs come often
ALPHABET = "中文万元年\u4e00\u9fff\u4e01\u5e00\u3400" + "0127" + ".%" + "、，。（）" + " _" + "\U00020001"


@pytest.mark.parametrize("seed", range(4))
def test_same_on_random_strings(seed):
    rng = random.Random(seed)
    for _ in range(1000):
        size = rng.choice([2, 5, 10, 30, 60, 120])
        alphabet = rng.sample(ALPHABET, rng.randint(2, 8))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, size)))
        if rng.random() < 0.3:  # a doubled piece planted in it
            piece = text[rng.randint(0, len(text)) :][: rng.randint(1, 22)]
            at = rng.randint(0, len(text))
            text = text[:at] + piece * 2 + text[at:]
        _same(text, rng.choice([1, 2, 2, 3, 4]))


def test_what_bounds_a_run_is_never_part_of_one():
    # repeated() looks for runs no longer than half the longest stretch between these: each must
    # be a character no run can hold, or a run across it would be missed
    from budgetlint.dsl.fn_text import _PUNCTUATION

    inside = _PUNCTUATION.pattern[1:-1]
    assert _PUNCTUATION.pattern == f"[{inside}]" and "\\" not in inside and "-" not in inside
    for ch in inside:
        assert re.fullmatch(r"[^\w.%]", ch), repr(ch)
