"""What every built-in function shares: its table entry and the argument checks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from budgetlint.dsl.values import RuleTypeError, format_value, kind, number


class Builtin(NamedTuple):  # not a frozen dataclass, which costs ~1 ms to create at import
    impl: Callable
    min_args: int
    max_args: int | None  # None: any number
    doc: str
    logical: bool = False  # gives only true, false or null: a condition needs no truth check
    # impl(memo, *args): also given the per-document memo, to index a table once per document
    per_document: bool = False


_SMALL_WHOLE = tuple(Decimal(n) for n in range(64))


def whole(n: int) -> Decimal:
    """A count as a number of the language, without building Decimal(int) for the small ones."""
    return _SMALL_WHOLE[n] if n < 64 else Decimal(n)


_TUPLE_OR_SET = (tuple, frozenset)  # hoisted: `tuple | frozenset` would build a union per call


def as_list(value, what: str) -> list | None:
    """The elements of a list, tuple or set (a list is returned as it is, never copied)."""
    if type(value) is list or value is None:
        return value
    if isinstance(value, _TUPLE_OR_SET):
        return list(value)
    raise RuleTypeError(f"{what} needs a list, got {kind(value)}")


# The places a rule writes (round(x, 2), repeated(s, 2)): a dict lookup instead of four Decimal
# operations on every call. Decimal(2) and Decimal("2.0") are equal and hash alike, so both find 2.
_PLACES = {Decimal(n): n for n in range(13)}


def as_places(n) -> int:
    if type(n) is Decimal:
        try:
            return _PLACES[n]
        except (KeyError, TypeError):  # not a whole 0–12 (a signalling NaN cannot be hashed)
            pass
    places = number(n, "the number of places")
    if places != places.to_integral_value() or not 0 <= places <= 12:
        raise RuleTypeError(f"the number of places must be a whole number 0–12, got {places}")
    return int(places)


def as_text(value, what: str) -> str | None:
    if type(value) is str or value is None or isinstance(value, str):  # the usual case first
        return value
    raise RuleTypeError(f"{what} needs a string, got {kind(value)} {format_value(value)}")
