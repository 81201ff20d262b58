"""The Xunwu 2023 sample is a complete transcription of its source text and matches the schema.

Every number printed in the source (amounts, percentages, counts, codes, years, column numbers)
must have a home in the sample: as a JSON number written exactly as printed (thousands separators
removed; 282.90 and 282.9 are different tokens) or inside a string value. Numbers are counted
with multiplicity and per region, so dropping one table row, one indicator or one printed column
number is reported.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, validators

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "samples" / "xunwu-2023-social-insurance.txt"
SAMPLE = ROOT / "samples" / "xunwu-2023-social-insurance.json"
SCHEMA = ROOT / "budgetlint" / "schema" / "department-budget.schema.json"

# the appendix (第二部分附表) starts here: the tables and the 项目支出绩效目标表
APPENDIX_MARKER = "附：第二部分附表"
APPENDIX_KEYS = ("tables", "performance_goals")

# 2,495.56 / 1,200 / 282.90 / 0.6 / 2080109 / 01 ...
NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


class JsonNumber(str):
    """A JSON number token exactly as written in the sample file."""


def number_tokens(text: str) -> list[str]:
    """Numbers printed in ``text``, thousands separators removed, printed decimals kept."""
    return [m.group().replace(",", "") for m in NUMBER_RE.finditer(text)]


def load_raw_sample() -> Any:
    """The sample with every JSON number kept as its literal token (a ``JsonNumber``)."""
    return json.loads(SAMPLE.read_text(encoding="utf-8"), parse_float=JsonNumber, parse_int=JsonNumber)


def is_derived(node: dict, key: str) -> bool:
    """Fields restating something printed elsewhere in the same object (skipped by the exact check).

    - ``code`` next to ``printed_code`` (the full code rebuilt from the printed one);
    - ``code`` / ``name`` next to ``text`` (issuer, 主管部门及代码: parsed from ``text``);
    - ``year`` next to ``year_label`` (parsed from the printed caption).
    """
    if key == "code" and "printed_code" in node:
        return True
    if key in ("code", "name") and "text" in node:
        return True
    return key == "year" and "year_label" in node


def sample_tokens(node: Any, skip_derived: bool = False) -> Counter[str]:
    """Number tokens of the sample: JSON numbers as written plus numbers inside strings."""
    found: Counter[str] = Counter()
    if isinstance(node, dict):
        for key, value in node.items():
            if not (skip_derived and is_derived(node, key)):
                found += sample_tokens(value, skip_derived)
    elif isinstance(node, list):
        for value in node:
            found += sample_tokens(value, skip_derived)
    elif isinstance(node, JsonNumber):
        found[str(node)] += 1
    elif isinstance(node, str):
        found.update(number_tokens(node))
    return found


def split_source(text: str) -> tuple[str, str]:
    """(narrative part, appendix part) of the source text."""
    cut = text.index(APPENDIX_MARKER)
    return text[:cut], text[cut:]


def split_sample(doc: dict) -> tuple[dict, dict]:
    """(narrative part, appendix part) of the sample."""
    appendix = {k: v for k, v in doc.items() if k in APPENDIX_KEYS}
    rest = {k: v for k, v in doc.items() if k not in APPENDIX_KEYS}
    return rest, appendix


def missing_numbers(source_text: str, doc: dict) -> dict[str, int]:
    """Printed numbers without a home: token -> how many printed occurrences are unaccounted for.

    Compared region by region (text parts against everything outside tables/performance_goals,
    the appendix against tables + performance_goals), with multiplicity.
    """
    missing: Counter[str] = Counter()
    for src, part in zip(split_source(source_text), split_sample(doc), strict=True):
        printed = Counter(number_tokens(src))
        have = sample_tokens(part)
        missing += Counter({t: n - have[t] for t, n in printed.items() if n > have[t]})
    return dict(missing)


@pytest.fixture(scope="module")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture()
def raw_sample() -> dict:
    return load_raw_sample()


def test_source_has_many_numbers(source_text: str) -> None:
    tokens = number_tokens(source_text)
    assert len(tokens) == 600  # the seed is fixed; a tokeniser change must be deliberate
    assert "2495.56" in tokens and "1200" in tokens and "2457.00" in tokens


def test_every_printed_number_has_a_home(source_text: str, raw_sample: dict) -> None:
    assert missing_numbers(source_text, raw_sample) == {}


def test_appendix_numbers_transcribed_exactly_once(source_text: str, raw_sample: dict) -> None:
    """Each number of the tables and 绩效目标表 occurs exactly as often as printed (none invented)."""
    _, appendix_text = split_source(source_text)
    _, appendix = split_sample(raw_sample)
    printed = Counter(number_tokens(appendix_text))
    stored = sample_tokens(appendix, skip_derived=True)
    assert {t: n for t, n in (printed - stored).items()} == {}, "missing"
    assert {t: n for t, n in (stored - printed).items()} == {}, "not printed"


def _drop_revenue_row(doc: dict) -> None:
    rows = doc["tables"]["revenue"]["rows"]
    rows.remove(next(r for r in rows if r["code"] == "2080109"))


def _drop_quantity_indicator(doc: dict) -> None:
    indicators = doc["performance_goals"][1]["indicators"]
    indicators.remove(next(i for i in indicators if i["level2"] == "数量指标"))


def _drop_three_public_row(doc: dict) -> None:
    doc["tables"]["three_public"]["rows"].pop()


def _drop_column_number(doc: dict) -> None:
    column = next(c for c in doc["tables"]["revenue"]["columns"] if c["key"] == "state_capital")
    column["number"] = None


def _drop_narrative_part(doc: dict) -> None:
    del doc["narrative"]["expenditure"]


def _round_a_printed_decimal(doc: dict) -> None:
    doc["narrative"]["fiscal_appropriation"]["items"][0]["amount"] = JsonNumber("282.90")
    doc["narrative"]["fiscal_appropriation"]["text"] = "（省略）"
    doc["narrative"]["expenditure"]["text"] = "（省略）"
    doc["narrative"]["expenditure"]["by_function"][0]["amount"] = JsonNumber("282.90")


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_drop_revenue_row, "282.90"),
        (_drop_quantity_indicator, "2572"),
        (_drop_three_public_row, "2.00"),
        (_drop_column_number, "2"),
        (_drop_narrative_part, "905.66"),
        (_round_a_printed_decimal, "282.9"),
    ],
)
def test_check_reports_a_dropped_number(
    source_text: str, raw_sample: dict, mutate: Callable[[dict], None], expected: str
) -> None:
    assert missing_numbers(source_text, raw_sample) == {}
    doc = copy.deepcopy(raw_sample)
    mutate(doc)
    assert expected in missing_numbers(source_text, doc)


# ------------------------------------------------------------------ schema


def _is_number(_checker: Any, instance: Any) -> bool:
    return isinstance(instance, (int, float, Decimal)) and not isinstance(instance, bool)


def _is_integer(_checker: Any, instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())


DecimalValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine_many(
        {"number": _is_number, "integer": _is_integer}
    ),
)


@pytest.fixture(scope="module")
def schema() -> dict:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def load_decimal_sample() -> Any:
    return json.loads(SAMPLE.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)


def schema_errors(schema: dict, doc: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in DecimalValidator(schema).iter_errors(doc)
    ]


def test_sample_validates_against_schema(schema: dict) -> None:
    assert schema_errors(schema, load_decimal_sample()) == []


def test_schema_rejects_misspelled_key_and_bad_code(schema: dict) -> None:
    doc = load_decimal_sample()
    row = doc["tables"]["revenue"]["rows"][0]
    row["totl"] = row.pop("total")
    doc["tables"]["basic_expenditure"]["rows"][1]["code"] = "3010"
    errors = schema_errors(schema, doc)
    assert any("totl" in e for e in errors)
    assert any("'3010'" in e for e in errors)
