"""JsonLocator against index_json, which tokenizes the whole text: the same offset for every pointer."""

from __future__ import annotations

import json
import random

import pytest

from budgetlint.jsonpos import DuplicateKey, JsonLocator, index_json
from budgetlint.loader import load_bytes
from tests.conftest import SAMPLE

# pointers that no text below has: absent members, bad indices, escapes no key is written with
ABSENT = ["/nope", "/0/nope", "/a/b/c/d/e", "/~2", "/~", "/01", "/-1", "/+1", "/ 1", "/1 ", "/٣", "/-"]


def assert_agrees(text: str, locator: JsonLocator | None = None) -> None:
    """Every pointer of the text at the offset index_json gives; absent ones None."""
    locator = locator or JsonLocator(text)
    expected = index_json(text)
    del expected[""]  # index_json says 0 for the root; the locator skips blanks before it
    for pointer, offset in expected.items():
        assert locator.offset(pointer) == offset, pointer
    assert locator.offset("") == len(text) - len(text.lstrip(" \t\n\r"))
    for pointer in ABSENT + [p + suffix for p in list(expected)[:50] for suffix in ("/x", "/9", "/")]:
        if pointer not in expected:
            assert locator.offset(pointer) is None, pointer
    assert locator.offset("no/leading/slash") is None


def test_every_pointer_of_the_seed_sample():
    text = SAMPLE.read_text(encoding="utf-8")
    assert_agrees(text)
    doc = load_bytes(SAMPLE.read_bytes(), SAMPLE.name)  # as Document.position builds it
    assert_agrees(text, JsonLocator(doc.text, doc.data, doc._objects))


TRICKY = {
    "escaped keys": r'{"a/b": 1, "m~n": {"~1": [2]}, "~0": 3, "/": 4, "": {"": 5}, "~": 6}',
    "escapes in keys": (
        r'{"q\"k": 1, "b\\": {"x": 2}, "\u00e9": {"\/s": 4}, "t\tab": 5, "n": {"é": 6, "/s": 7}}'
    ),
    "strings with brackets, quotes and backslashes": (
        '{"a": "}", "b": "{[", "c": "]\\"}\\\\", "d": ["\\\\", "[", "}", "\\"x\\""],'
        ' "e": {"f": "\\\\\\"}"}, "g": "a\\\\"}'
    ),
    "keys equal to values, keys with colons and commas": (
        '{"x": "y", "y": "x", "k:v": {"a,b": "a,b", "y": 1}, "z": ["y", "x", {"y": "x"}], "x,": 2}'
    ),
    # a '"' closing one string, a key's text, a '"' opening a string that starts with ":"
    "keys that read like the text between strings": '{"a": "x", ": z": 1, ", ": 2, "y": ":", ":": "y"}',
    "empty and nested empty containers": (
        '{"a": {}, "b": [], "c": [[], {}], "d": [[[]]], "e": {"f": {}}, "g": [{}]}'
    ),
    "arrays of scalars and mixed arrays": (
        '[1, -2.5e+3, true, false, null, "s", [3, 4], {"k": [5, {"j": null}]}, [[6], 7], "t"]'
    ),
    "lists ending in objects": '{"a": [[{"b": 1}]], "c": [1, [2, {"d": {}}]], "e": 2}',
    "unicode": '{"寻乌": {"县": ["社保", "中心😀"], "é\u0301": 1}, "x": "寻\\"乌"}',
    "CRLF and tabs": '{\r\n\t"a" :\r\n\t[ 1 ,\r\n\t\t{ "b"\t:\t"c" } ] ,\r\n\t"d" : { } \r\n}\r\n',
    "leading blanks": ' \n\t {"a": 1}',
    "scalar root": ' "just a string" ',
    "deep": '{"a": ' * 40 + "[1, 2]" + "}" * 40,
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_tricky_texts(text):
    assert_agrees(text)


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_pretty_and_minified(text):
    data = json.loads(text)
    assert_agrees(json.dumps(data, indent=2, ensure_ascii=False))
    assert_agrees(json.dumps(data, separators=(",", ":")))


def test_random_documents():
    rng = random.Random(20231126)
    chars = ["a", "b", "~", "/", ":", ",", '"', "\\", "[", "]", "{", "}", " ", "寻", "é", "\n", "0"]

    def string() -> str:
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 4)))

    def value(depth: int):
        roll = rng.random()
        if depth > 3 or roll < 0.4:
            return rng.choice([string(), rng.randint(-9, 99), 0.5, True, None])
        if roll < 0.7:
            return [value(depth + 1) for _ in range(rng.randint(0, 4))]
        return {rng.choice([string(), "a", "b"]): value(depth + 1) for _ in range(rng.randint(0, 4))}

    def dump(v) -> str:  # random blanks, some escapes written out
        blank = rng.choice(["", " ", "\n  ", "\t", "\r\n"])
        if isinstance(v, dict):
            members = (f"{blank}{dump(k)}{blank}:{blank}{dump(x)}" for k, x in v.items())
            return "{" + ",".join(members) + blank + "}"
        if isinstance(v, list):
            return "[" + ",".join(blank + dump(x) for x in v) + blank + "]"
        text = json.dumps(v, ensure_ascii=rng.random() < 0.3)
        return text.replace("/", "\\/") if rng.random() < 0.2 else text

    for _ in range(300):
        data = value(0)
        assert_agrees(dump({"a": data, "b": [data, {"a": data}], "c": 1}))


def test_duplicate_keys_are_refused():
    with pytest.raises(DuplicateKey):
        JsonLocator('{"a": 1, "a": 2}')


def test_document_positions_come_from_the_locator():
    text = '{\n  "a": [1, {"b": "}"}],\n  "c": {"d": [ {}, {"e": 2} ]}\n}'
    doc = load_bytes(text.encode(), "x.json")
    assert doc.position("/c/d/1/e") == (3, 21)
    assert doc.position("/a/1/b") == (2, 13)
    assert doc.position("/c/d/7") == (3, 9)  # absent: its nearest parent, /c/d


def test_a_pointer_past_lists_nested_hundreds_deep_is_still_located():
    from budgetlint.loader import load_bytes

    depth = 900  # parses (json's limit is about 1000), but stepping over it recursively would not
    text = '{"a\\u0041": ' + "[" * depth + "]" * depth + ', "b": 1}'
    doc = load_bytes(text.encode(), "deep.json")
    assert doc.position("/b") == (1, text.index('"b"') + 1)
    assert doc.position("/aA") == (1, 2)  # the next pointer from the same (tokenized once) index
    assert doc.position("/aA/0/0") == (1, text.index("[[") + 3)  # the third "[", 1-based
