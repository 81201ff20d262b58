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


@lru_cache(maxsize=1)
def _fast_validator():
    """jsonschema-rs (compiled, ~100× faster than python-jsonschema); None if it is not installed."""
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - a platform without a wheel
        return None
    return jsonschema_rs.validator_for(load_schema())


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
