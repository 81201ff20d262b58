"""The document JSON Schema: loading it and turning validation errors into findings."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache

from budgetlint.findings import escape_pointer_token
from budgetlint.resources import schema_path


@lru_cache(maxsize=1)
def load_schema() -> dict:
    return json.loads(schema_path().read_text(encoding="utf-8"))


def schema_text() -> str:
    return schema_path().read_text(encoding="utf-8")


class BuiltinSchema:
    """The document schema budgetlint ships, as rulebook.load_rulebook takes it: a run whose
    generated rules are cached needs only its digest (part of the code cache's key), never the
    parsed schema (json.loads of its 119 KB is ~8 M instructions of a cold `check`)."""

    def __repr__(self) -> str:
        return "BUILTIN_SCHEMA"

    @staticmethod
    def data() -> dict:
        return load_schema()

    @staticmethod
    @lru_cache(maxsize=1)
    def digest() -> bytes:
        from budgetlint.dsl.cache import blake2b

        return blake2b(schema_path().read_bytes(), digest_size=32).digest()


BUILTIN_SCHEMA = BuiltinSchema()


@lru_cache(maxsize=1)
def _validator():
    from jsonschema import Draft202012Validator, validators

    def is_number(checker, value):
        return isinstance(value, int | float | Decimal) and not isinstance(value, bool)

    def is_integer(checker, value):
        if isinstance(value, bool):
            return False
        if isinstance(value, Decimal):
            return value.is_finite() and value == value.to_integral_value()
        return isinstance(value, int)

    checker = Draft202012Validator.TYPE_CHECKER.redefine_many({"number": is_number, "integer": is_integer})
    decimal_aware = validators.extend(Draft202012Validator, type_checker=checker)
    return decimal_aware(load_schema())


def import_jsonschema_rs():
    """The jsonschema_rs module, imported without email.utils (~40 M instructions, a fifth of a
    cold `check` beyond starting Python: it brings socket, urllib.parse, ipaddress, random,
    base64 …); ImportError if it is not installed.

    Its extension looks up email.utils.parsedate_to_datetime when it loads, only to read its own
    build date (it calls it once, there). While it loads, email.utils is a module holding that one
    function, which reads the date with what email.utils itself reads it with (email._parseaddr,
    a small module); the stand-in is then removed, so any later `import email.utils` gets the
    real module, and a later call of the function the extension kept goes to the real one."""
    import sys

    if "jsonschema_rs" in sys.modules or "email.utils" in sys.modules:
        import jsonschema_rs

        return jsonschema_rs
    import types

    loading = True

    def parsedate_to_datetime(data):
        if not loading:
            from email.utils import parsedate_to_datetime as real

            return real(data)
        import datetime

        quick = _rfc2822_date(data)
        if quick is not None:
            return quick
        from email._parseaddr import _parsedate_tz

        # email.utils.parsedate_to_datetime, as Python 3.10–3.13 write it
        parsed = _parsedate_tz(data)
        if parsed is None:
            raise ValueError(f'Invalid date value or format "{data!s}"')
        *dtuple, tz = parsed
        if tz is None:
            return datetime.datetime(*dtuple[:6])
        return datetime.datetime(*dtuple[:6], tzinfo=datetime.timezone(datetime.timedelta(seconds=tz)))

    stand_in = types.ModuleType("email.utils")
    stand_in.parsedate_to_datetime = parsedate_to_datetime
    sys.modules["email.utils"] = stand_in
    try:
        import jsonschema_rs
    finally:
        loading = False
        if sys.modules.get("email.utils") is stand_in:
            del sys.modules["email.utils"]
    return jsonschema_rs


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _rfc2822_date(data):
    """The one form of date jsonschema-rs passes (its build date, "Thu, 12 Nov 2026 07:50:16 +0000")
    read as email.utils.parsedate_to_datetime reads it, without email._parseaddr (which imports
    calendar and locale: ~8 M instructions of a cold run); None for any other form, which the
    caller reads the standard way."""
    import datetime
    import re

    m = re.fullmatch(
        r"(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)", data
    )
    if m is None or m.group(2).lower() not in _MONTHS:
        return None
    day, month, year = int(m.group(1)), _MONTHS.index(m.group(2).lower()) + 1, int(m.group(3))
    offset = (int(m.group(8)) * 3600 + int(m.group(9)) * 60) * (-1 if m.group(7) == "-" else 1)
    if m.group(7) == "-" and offset == 0:  # "-0000": no known zone, a naive datetime there
        return None
    try:
        zone = datetime.timezone(datetime.timedelta(seconds=offset))
        return datetime.datetime(year, month, day, *map(int, m.group(4, 5, 6)), tzinfo=zone)
    except ValueError:  # 31 Feb, 25:00 …: as the standard reading decides
        return None


@lru_cache(maxsize=1)
def _fast_validator():
    """jsonschema-rs (compiled, ~100× faster than python-jsonschema); None if it is not installed."""
    try:
        jsonschema_rs = import_jsonschema_rs()
    except ImportError:  # pragma: no cover - a platform without a wheel
        return None
    # the schema's text: jsonschema-rs parses it faster than json.loads, which a run with its
    # rules cached then never calls (load_schema)
    return jsonschema_rs.validator_for(schema_text())


def validate(document) -> list[tuple[str, str]]:
    """(JSON Pointer, message) for each schema violation.

    jsonschema-rs (compiled) validates; its errors carry the instance path and plain messages.
    python-jsonschema is the fallback where jsonschema-rs is not installed."""
    fast = _fast_validator()
    if fast is not None:
        try:
            if fast.is_valid(document):
                return []
            return [(_pointer(e.instance_path), _rs_message(e)) for e in fast.iter_errors(document)]
        except Exception:  # any surprise there: the reference validator decides
            pass
    return [(_pointer(err.absolute_path), _message(err)) for err in _validator().iter_errors(document)]


_MAX_SHOWN = 60


def _pointer(path) -> str:
    return "".join("/" + escape_pointer_token(str(p)) for p in path)


def _rs_message(err) -> str:
    kind = type(err.kind).__name__
    wanted = getattr(err.kind, "types", None) if kind == "Type" else None
    return _describe(err.instance_path, kind == "AdditionalProperties", wanted, err.instance, err.message)


def _message(err) -> str:
    """The same wording as _rs_message, from a python-jsonschema error."""
    wanted = None
    if err.validator == "type":
        wanted = [err.validator_value] if isinstance(err.validator_value, str) else err.validator_value
    return _describe(
        err.absolute_path, err.validator == "additionalProperties", wanted, err.instance, err.message
    )


def _describe(path, unknown_field: bool, wanted_types, instance, message: str) -> str:
    """One line: where, then what is wrong; a long value or message cut short."""
    where = "/".join(str(p) for p in path) or "(document)"
    if unknown_field:
        return f"{where}: {message} — the model does not know this field"
    if wanted_types:
        return f"{where}: {_shown(instance)} is not of type {' or '.join(wanted_types)}"
    return f"{where}: {message if len(message) <= 200 else message[:199] + '…'}"


def _shown(value) -> str:
    """A value as a message shows it: JSON-like, and cut short (a finding is one line)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"
