"""What every input is held to: the error an unreadable input raises and the range of a budget's
numbers. Shared by the loaders (budgetlint.loader, budgetlint.yamlload), which import it and not
each other."""

from __future__ import annotations

from decimal import Decimal

# Numbers a budget can hold: at most MAX_DIGITS significant digits, at most 10^MAX_EXPONENT and no
# finer than 10^-MAX_EXPONENT. 1e999999999 is a valid JSON number whose arithmetic or printing
# takes gigabytes (Decimal widens its exponent instead of overflowing).
MAX_DIGITS = 40
MAX_EXPONENT = 30


class InputError(Exception):
    """Input that cannot be read; rendered as one line `file:line:col: error: message`."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None):
        self.file, self.message, self.line, self.column = file, message, line, column
        super().__init__(self.render())

    def render(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: error: {self.message}"


def number_out_of_range(number: Decimal) -> str | None:
    """Why a number is no budget figure (too large, too fine, too many digits); None if it is one."""
    if not number.is_finite():
        return f"{number} is not a number a budget can hold"
    _, digits, exponent = number.as_tuple()
    if len(digits) > MAX_DIGITS:
        return f"a number with more than {MAX_DIGITS} digits is not a budget figure"
    if number.adjusted() > MAX_EXPONENT or exponent > MAX_EXPONENT:
        return f"a number of 10^{MAX_EXPONENT + 1} or more is not a budget figure"
    if exponent < -MAX_EXPONENT:
        return f"a number with more than {MAX_EXPONENT} decimal places is not a budget figure"
    return None
