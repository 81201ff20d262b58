"""Loader: Decimal numbers, positions, and one clear error for every kind of bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest

from budgetlint.loader import InputError, load_bytes, load_path


def test_json_numbers_are_decimals_with_printed_precision():
    doc = load_bytes(b'{"a": 2457.00, "b": 0.6, "c": 26}', "x.json")
    assert doc.data == {"a": Decimal("2457.00"), "b": Decimal("0.6"), "c": Decimal(26)}
    assert str(doc.data["a"]) == "2457.00"


def test_json_pointer_positions():
    text = '{\n  "a": 1,\n  "b": {"c": [10, {"d": "x"}]}\n}'
    doc = load_bytes(text.encode(), "x.json")
    assert doc.position("/a") == (2, 3)
    assert doc.position("/b/c/1/d") == (3, 20)
    assert doc.position("/b/c/1") == (3, 19)
    # a pointer that does not exist falls back to its nearest parent
    assert doc.position("/b/c/1/missing") == (3, 19)


def test_yaml_positions_and_decimals():
    doc = load_bytes(b"a: 1.50\nb:\n  - c: 2022-12-31\n", "x.yaml")
    assert doc.data == {"a": Decimal("1.50"), "b": [{"c": "2022-12-31"}]}
    assert doc.position("/b/0/c") == (3, 5)


def test_utf8_bom_is_accepted():
    assert load_bytes(b'\xef\xbb\xbf{"a": 1}', "x.json").data == {"a": 1}


@pytest.mark.parametrize(
    ("raw", "name", "fragment", "where"),
    [
        (b'{"a": 1, "b": [1, 2', "t.json", "invalid JSON", "t.json:1:"),
        (b'{"a": 1,\n "a": 2}', "d.json", "duplicate key 'a'", "d.json:2:2"),
        (b'{"a": NaN}', "n.json", "NaN", "n.json:1:7"),
        (b'{"a": -Infinity}', "i.json", "Infinity", "i.json:1:7"),
        ('{"名称": "县社保中心"}'.encode("gbk"), "g.json", "not UTF-8", "g.json:1:3"),
        (b"a: !!python/object/apply:os.system [ls]\n", "p.yaml", "YAML tag not allowed", "p.yaml:1:4"),
        (b"a: 1\na: 2\n", "d.yaml", "duplicate key 'a'", "d.yaml:2:1"),
        (b"a: .nan\n", "n.yaml", "not a number", "n.yaml:1:4"),
        (b"[" * 100000 + b"]" * 100000, "deep.json", "nested too deeply", "deep.json"),
    ],
)
def test_bad_input_is_one_clear_error(raw, name, fragment, where):
    with pytest.raises(InputError) as info:
        load_bytes(raw, name)
    rendered = info.value.render()
    assert fragment in rendered
    assert rendered.startswith(where)
    assert "\n" not in rendered


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_path(tmp_path / "absent.json")


def test_on_demand_locator_agrees_with_a_full_index():
    from budgetlint.jsonpos import JsonLocator, index_json
    from tests.conftest import SAMPLE

    text = SAMPLE.read_text(encoding="utf-8")
    full = index_json(text)
    locator = JsonLocator(text)
    assert all(locator.offset(p) == offset for p, offset in full.items())
    assert locator.offset("/narrative/no_such_part") is None


def test_yaml_alias_bomb_is_refused():
    lines = ["a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]"]
    for prev, name in zip("abcdefg", "bcdefgh", strict=False):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(InputError, match="alias bomb"):
        load_bytes("\n".join(lines).encode(), "bomb.yaml")


@pytest.mark.parametrize(
    "text",
    [b"a: &x\n  - *x\n", b"a: &x {b: *x}\n", b"a: &x [[1, [*x]]]\n"],
)
def test_yaml_recursive_alias_is_refused_not_looped_on(text):
    with pytest.raises(InputError, match="refers to the node that contains it") as caught:
        load_bytes(text, "loop.yaml")
    assert caught.value.line == 1


def test_yaml_with_shared_anchors_still_loads():
    doc = load_bytes(b"a: &x {v: 1}\nb: *x\nc: *x\n", "ok.yaml")
    assert doc.data["c"] == {"v": 1}


def test_yaml_events_come_from_libyaml_where_pyyaml_has_it():
    import yaml

    from budgetlint.yamlload import _Loader

    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml")
    assert "CParser" in [cls.__name__ for cls in _Loader.__mro__]
    # the Python composer still runs, so its counting hook still sees every node
    assert _Loader.compose_node.__module__ == "budgetlint.yamlload"
