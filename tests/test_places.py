"""as_places(): the number of places a builtin takes (round, truncate, repeated), fast path included."""

from __future__ import annotations

from decimal import Decimal, DecimalException

import pytest

from budgetlint.dsl.fn_base import as_places
from budgetlint.dsl.values import RuleTypeError


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", 0), ("-0", 0), ("2", 2), ("2.0", 2), ("2E0", 2), ("0.12E2", 12), ("12", 12)],
)
def test_whole_numbers_0_to_12_are_places(value, expected):
    places = as_places(Decimal(value))
    assert places == expected
    assert type(places) is int


@pytest.mark.parametrize("value", ["13", "-1", "2.5", "1E-1000", "NaN", "Infinity", "-Infinity"])
def test_other_numbers_are_refused_with_a_message(value):
    with pytest.raises(RuleTypeError, match=r"the number of places must be|needs a number"):
        as_places(Decimal(value))


def test_a_signalling_nan_is_not_looked_up_but_checked_as_before():
    # it has no hash; the check it always had raises InvalidOperation, which the engine reports
    with pytest.raises(DecimalException):
        as_places(Decimal("sNaN"))


@pytest.mark.parametrize("value", [2, True, "2", None, [2]])
def test_what_is_not_a_number_of_the_language_is_refused(value):
    # a Python int or bool equals Decimal(2) and hashes alike: only a Decimal is a number here
    with pytest.raises(RuleTypeError, match="needs a number"):
        as_places(value)
