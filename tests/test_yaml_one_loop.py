"""YAML read in one loop over libyaml's events gives what PyYAML's composer and safe constructor give:
the same data (Decimal exponents included), the same positions, the same error and place."""

from __future__ import annotations

import pytest

from budgetlint import yamlload
from budgetlint.limits import InputError
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not yamlload._FAST, reason="PyYAML without libyaml: one path only")

TEXTS = [
    "a: 1\nb: 2.50\nc: -0.000\nd: 1_000\ne: 1e3\nf: +12\n",
    "a: ~\nb: null\nc:\nd: ''\ne: \"\"\nf: '  '\n",
    "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: 'true'\n",
    "a: 2023-12-31\nb: 2023-12-31 10:00:00\nc: '2023-12-31'\n",
    "a: 010\nb: 0x1F\nc: 0o17\nd: 1:30\ne: 0b101\n",
    "a: .nan\n",
    "a: -.inf\n",
    "a: 1e31\n",
    "a: 0.0000000000000000000000000000001\n",
    "a: 12345678901234567890123456789012345678901\n",
    "'a/b': 1\n'c~d': {x: [1, 2, {y: z}]}\n\"e f\": [[], {}, [[]]]\n",
    "- 1\n- [a, b]\n- {c: d}\n-\n- - x\n  - y\n",
    "just text\n",
    "42\n",
    "",
    "# only a comment\n",
    "a: 1\n---\nb: 2\n",
    "--- \na: 1\n...\n",
    "a: 1\na: 2\n",
    "a: {b: 1, b: 2}\n",
    "1: one\n",
    "yes: x\n",
    "null: x\n",
    "? [a]\n: b\n",
    "? {a: 1}\n: b\n",
    "a: &x [1, 2]\nb: *x\n",
    "a: &x 1\n",
    "a: !!str 12\n",
    "a: !!int '12'\n",
    "a: !!python/object:os.system x\n",
    "a: !custom x\n",
    "a: ! 12\n",
    "base: &b {x: 1}\nd:\n  <<: *b\n  y: 2\n",
    "a: {<<: {x: 1}}\n",
    "a: =\n",
    "a: !\n",
    "a: &\n",
    "a: [1, 2\n",
    "a: b: c\n",
    "a:\n  - b\n c: d\n",
    "\ta: 1\n",
    "a: \x07\n",
    "a: |\n  line one\n  line two\nb: >\n  folded\n  text\n",
    "a: 'it''s'\nb: \"tab\\there \\u4e2d\"\n",
    "名称: 寻乌县\n金额: 12.30\n",
    "a: [" * 99 + "]" * 99 + "\n",
    "a: [" * 100 + "]" * 100 + "\n",
    "[" * 101 + "]" * 101 + "\n",
    "- " + ", ".join(["x"] * 10) + "\n",
]


def _strict(value):
    if isinstance(value, dict):
        return ("dict", tuple((k, _strict(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("list", tuple(_strict(v) for v in value))
    return (type(value).__name__, repr(value))


def _outcome(load, text):
    try:
        data, positions = load(text, "doc.yaml")
    except InputError as err:
        return ("error", err.render())
    return ("data", _strict(data), positions)


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_one_loop_gives_what_the_composer_gives(text):
    assert _outcome(yamlload.load_yaml_text, text) == _outcome(yamlload._load_composed, text)


def test_the_limit_on_values_is_the_composers():
    text = "[" + ", ".join(["0"] * (yamlload.MAX_NODES + 5)) + "]\n"
    composed = _outcome(yamlload._load_composed, text)
    assert composed[0] == "error" and "100,000 values" in composed[1]
    assert _outcome(yamlload.load_yaml_text, text) == composed


@pytest.mark.parametrize(
    "path",
    sorted(p for p in (ROOT / "samples").rglob("*.yaml")) + sorted((ROOT / "rules").glob("*.cases.yaml"))[:3],
    ids=lambda p: p.name,
)
def test_samples_read_in_one_loop_as_by_the_composer(path):
    text = path.read_text(encoding="utf-8")
    fast = yamlload._one_loop(text)  # plain data: no fallback
    assert _strict(fast[0]) == _strict(yamlload._load_composed(text, path.name)[0])
    assert fast[1] == yamlload._load_composed(text, path.name)[1]
