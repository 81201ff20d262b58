"""Issue 12, items 5, 6 and 7: huge numbers, sizes checked before reading, bounded parsing, and one
bad file that does not stop a batch."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from budgetlint.batch import discover
from budgetlint.loader import MAX_BYTES, MAX_VALUES, InputError, load_bytes, load_path
from tests.conftest import SAMPLE, run_cli


# --- 5. numbers out of range ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ('{"a": 1,\n "b": 1e999999999}', (2, 7), "10^31"),
        ('{"a": 0e999999999}', (1, 7), "10^31"),
        ('{"a": 1e-999999999}', (1, 7), "decimal places"),
        ('{"a": "1e999999999", "b": 1' + "0" * 60 + "}", (1, 27), "40 digits"),
    ],
)
def test_json_numbers_out_of_range_are_refused_at_their_place(text, where, what):
    with pytest.raises(InputError) as info:
        load_bytes(text.encode(), "x.json")
    assert (info.value.line, info.value.column) == where
    assert what in info.value.message


def test_a_string_that_looks_like_a_huge_number_is_text():
    assert load_bytes(b'{"a": "1e999999999", "b": 12.50}', "x.json").data["a"] == "1e999999999"


@pytest.mark.parametrize(
    ("text", "where"),
    [("a: 1\nb: 1.0e+999999999\n", (2, 4)), ("a: 0x" + "f" * 5000 + "\n", (1, 4))],
)
def test_yaml_numbers_out_of_range_are_refused_at_their_place(text, where):
    with pytest.raises(InputError) as info:
        load_bytes(text.encode(), "x.yaml")
    assert (info.value.line, info.value.column) == where


def test_a_huge_number_in_the_seed_is_an_input_error_not_gigabytes(tmp_path: Path):
    text = SAMPLE.read_text(encoding="utf-8").replace('"amount": 282.9', '"amount": 1e999999999', 1)
    doc = tmp_path / "doc.json"
    doc.write_text(text, encoding="utf-8")
    result = run_cli("check", "--no-config", str(doc))
    assert result.returncode == 2
    assert "10^31 or more is not a budget figure (1e999999999)" in result.stderr
    assert "internal error" not in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["1e999999999", "1e-99", "nan", "-1"])
def test_out_of_range_tolerance_is_refused_at_the_command_line(value):
    result = run_cli("check", "--no-config", "--tolerance", value, str(SAMPLE))
    assert result.returncode == 2
    assert result.stderr.startswith("budgetlint: --tolerance")
    assert "Overflow" not in result.stdout


def test_out_of_range_tolerance_is_refused_in_the_config(tmp_path: Path):
    (tmp_path / "budgetlint.toml").write_text("tolerance = 1e400\n", encoding="utf-8")
    result = run_cli("check", str(SAMPLE), cwd=tmp_path)
    assert result.returncode == 2
    assert "budgetlint.toml:1:1: error: tolerance" in result.stderr  # the key's line:column


# --- 6. size before reading, bounded parsing -----------------------------------------------------
def test_dev_zero_is_not_read_whole():
    start = time.perf_counter()
    with pytest.raises(InputError, match="larger than 64 MiB"):
        load_path("/dev/zero")
    assert time.perf_counter() - start < 5


def test_a_large_file_is_refused_before_it_is_read(tmp_path: Path):
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(3 << 30)  # 3 GiB, sparse: reading it would take seconds and gigabytes
    start = time.perf_counter()
    with pytest.raises(InputError, match="larger than 64 MiB"):
        load_path(big)
    assert time.perf_counter() - start < 0.5


def test_standard_input_is_read_with_a_cap():
    (source,) = discover(["-"], stdin=io.BytesIO(b" " * (MAX_BYTES + 10)))
    assert source.problem and "larger than 64 MiB" in source.problem and source.data is None


@pytest.mark.parametrize(
    "text",
    [
        "[" + ",".join(["0"] * (MAX_VALUES + 1)) + "]",
        "[" + ",".join(["{}"] * (MAX_VALUES + 1)) + "]",
    ],
)
def test_json_with_too_many_values_is_refused_before_parsing(text):
    start = time.perf_counter()
    with pytest.raises(InputError, match=f"more than {MAX_VALUES:,} values"):
        load_bytes(text.encode(), "x.json")
    assert time.perf_counter() - start < 2


def test_json_commas_inside_strings_are_not_values():
    text = json.dumps(["a,b,c,d"] * 70_000)
    assert len(load_bytes(text.encode(), "x.json").data) == 70_000


def test_yaml_element_count_and_depth_are_bounded_while_parsing():
    with pytest.raises(InputError, match=f"more than {MAX_VALUES:,} values") as info:
        load_bytes(("- 1\n" * (MAX_VALUES + 10)).encode(), "x.yaml")
    assert info.value.line == MAX_VALUES
    with pytest.raises(InputError, match="nested more than 100 deep") as info:
        load_bytes(("a: " + "[" * 150 + "]" * 150 + "\n").encode(), "x.yaml")
    assert info.value.line == 1


# --- 7. one bad file does not stop a batch -------------------------------------------------------
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_yaml_control_character_is_one_message_and_the_batch_goes_on(tmp_path: Path, jobs):
    (tmp_path / "a.json").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "b.yaml").write_bytes(b'format: budgetlint/department-budget@2\ntitle: "a\x07"\n')
    (tmp_path / "c.json").write_bytes(SAMPLE.read_bytes())
    report = tmp_path / "report.json"
    result = run_cli("check", "--no-config", "-j", jobs, "--format", "json", "-o", str(report), str(tmp_path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    message = "invalid YAML: the control character U+0007 is not allowed in YAML text"
    assert lines[0].endswith(f"b.yaml:2:10: error: {message}")
    findings = json.loads(report.read_text(encoding="utf-8"))
    assert {Path(f["file"]).name for f in findings["findings"]} == {"a.json", "c.json"}


def test_a_waivers_file_with_a_control_character_is_one_clear_message(tmp_path: Path):
    waivers = tmp_path / "w.yaml"
    waivers.write_bytes(b'- document: "*"\n  rule: X\n  reason: "\x1b[31m"\n')
    result = run_cli("check", "--no-config", "--waivers", str(waivers), str(SAMPLE))
    assert result.returncode == 2
    message = "invalid YAML: the control character U+001B is not allowed in YAML text"
    assert result.stderr.strip().endswith(f"w.yaml:3:12: error: {message}")
    assert "internal error" not in result.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_nested_hundreds_deep_is_one_finding_not_a_recursion_error(tmp_path: Path, jobs):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["tables"]["basic_expenditure"]["rows"][0]["total"] = "DEEP"
    text = json.dumps(data, ensure_ascii=False).replace('"DEEP"', "[" * 500 + "]" * 500)
    (tmp_path / "deep.json").write_text(text, encoding="utf-8")
    (tmp_path / "ok.json").write_bytes(SAMPLE.read_bytes())
    result = run_cli("check", "--no-config", "-j", jobs, str(tmp_path))
    assert "internal error" not in result.stdout + result.stderr
    message = "error schema the document is nested too deeply for the rules to read it"
    assert f"deep.json:1:1: {message}" in result.stdout
    assert "in 2 files" in result.stdout
