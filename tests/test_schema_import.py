"""jsonschema-rs is imported without email.utils (budgetlint.schema.import_jsonschema_rs); the
build date it parses there is read by a small reader that must agree with the standard one."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime

import pytest

from budgetlint.schema import _rfc2822_date


@pytest.mark.parametrize(
    "text",
    [
        "Thu, 12 Nov 2026 07:50:16 +0000",
        "1 Jan 2020 00:00:00 +0530",
        "Mon, 31 Dec 1999 23:59:59 -0800",
        "Sat, 29 Feb 2020 12:00:00 +1400",
    ],
)
def test_the_build_date_form_is_read_as_the_standard_reads_it(text):
    quick, real = _rfc2822_date(text), parsedate_to_datetime(text)
    assert quick == real and quick.utcoffset() == real.utcoffset()


@pytest.mark.parametrize(
    "text",
    [
        "Thu, 12 Nov 2026 07:50:16 -0000",  # unknown zone: the standard gives a naive datetime
        "Thu, 31 Feb 2026 07:50:16 +0000",
        "Thu, 12 Foo 2026 07:50:16 +0000",
        "12 Nov 2026 07:50 +0000",
        "Thu, 12 Nov 2026 07:50:16 GMT",
        "",
    ],
)
def test_any_other_form_is_left_to_the_standard_reader(text):
    assert _rfc2822_date(text) is None


def test_random_dates_agree_with_the_standard_reader():
    rng = random.Random(15)
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    for _ in range(500):
        sign = rng.choice("+-")
        text = (
            f"{rng.choice(['Mon, ', 'Fri, ', ''])}{rng.randint(1, 31)} {rng.choice(months)} "
            f"{rng.randint(1970, 2100)} {rng.randint(0, 23):02}:{rng.randint(0, 59):02}:"
            f"{rng.randint(0, 59):02} {sign}{rng.randint(0, 14):02}{rng.choice([0, 30, 45]):02}"
        )
        quick = _rfc2822_date(text)
        try:
            real = parsedate_to_datetime(text)
        except ValueError:
            real = None
        if quick is not None:
            assert quick == real and quick.utcoffset() == real.utcoffset(), text
        else:  # left to the standard reader: an impossible day, or "-0000"
            assert real is None or real.tzinfo is None, text
