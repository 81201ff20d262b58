"""JSON Schemas of budgetlint's own input files — the config, a waivers file, a rule-test case file,
a baseline —
validated as documents are (jsonschema-rs, else python-jsonschema with Decimal numbers), each
problem a JSON Pointer into the file's data and a message, which the caller places at the
pointer's line:column as it places a document's.

A schema may say how a failing keyword reads to a user: `"x-message"` beside it, a text or a
mapping keyword → text, with `{key}` (the unknown or missing key) and `{value}` (the value, as
Python's repr shows it) filled in. Without one, the message is the document schema's wording.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import NamedTuple

from budgetlint.findings import escape_pointer_token

KINDS = ("config", "waivers", "cases", "baseline")
_HERE = Path(__file__).resolve().parent


class SchemaProblem(NamedTuple):
    pointer: str  # where in the data: the member's key for an unknown key, the object for a missing one
    message: str
    keyword: str  # the schema keyword that failed (type, required, additionalProperties, enum …)
    key: str | None = None  # the unknown or missing key


def schema_file(kind: str) -> Path:
    return _HERE / f"{kind}.schema.json"


@cache
def load_input_schema(kind: str) -> dict:
    if kind not in KINDS:
        raise ValueError(f"no input schema {kind!r} (known: {', '.join(KINDS)})")
    return json.loads(schema_file(kind).read_text(encoding="utf-8"))


@cache
def _fast(kind: str):
    from budgetlint.schema import import_jsonschema_rs

    try:
        jsonschema_rs = import_jsonschema_rs()
    except ImportError:  # pragma: no cover - a platform without a wheel
        return None
    return jsonschema_rs.validator_for(load_input_schema(kind))


@cache
def _reference(kind: str):
    """python-jsonschema, numbers as the document schema's validator reads them (Decimal)."""
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
    return validators.extend(Draft202012Validator, type_checker=checker)(load_input_schema(kind))


def _at(schema: dict, path) -> dict:
    """The subschema at a schema path (jsonschema-rs gives it with references resolved)."""
    node = schema
    for token in path:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def _raw_errors(kind: str, data) -> list[tuple[list, str, dict, object, str]]:
    """(instance path, keyword, subschema holding the keyword, instance, message) of each error."""
    fast = _fast(kind)
    if fast is not None:
        try:
            if fast.is_valid(data):
                return []
            schema = load_input_schema(kind)
            out = []
            for e in fast.iter_errors(data):
                path = list(e.schema_path)
                out.append(
                    (list(e.instance_path), str(path[-1]), _at(schema, path[:-1]), e.instance, e.message)
                )
            return out
        except Exception:  # any surprise there: the reference validator decides, as for documents
            pass
    return [
        (list(e.absolute_path), e.validator, e.schema, e.instance, e.message)
        for e in _reference(kind).iter_errors(data)
    ]


_QUOTED = re.compile(r"""^["'](.*)["'] is a required property""", re.S)


def _shown(value) -> str:
    if isinstance(value, Decimal):
        return str(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def problems(kind: str, data) -> list[SchemaProblem]:
    """Every way `data` breaks the input schema `kind` (config, waivers, cases, baseline), each once."""
    out: dict[tuple[str, str], SchemaProblem] = {}
    for path, keyword, subschema, instance, message in _raw_errors(kind, data):
        pointer = "".join("/" + escape_pointer_token(str(p)) for p in path)
        keys: list[str | None] = [None]
        if keyword == "additionalProperties" and isinstance(instance, dict):
            known = subschema.get("properties", {})
            patterns = [re.compile(p) for p in subschema.get("patternProperties", {})]
            keys = [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]
        elif keyword == "required":
            m = _QUOTED.match(message)
            keys = [m[1] if m else None]
        custom = subschema.get("x-message")
        if isinstance(custom, dict):
            custom = custom.get(keyword)
        for key in keys or [None]:
            unknown = keyword == "additionalProperties" and key
            where = f"{pointer}/{escape_pointer_token(key)}" if unknown else pointer
            if custom:
                try:
                    text = custom.format(key=key, value=_shown(instance))
                except (KeyError, IndexError, ValueError):  # a brace of the text itself
                    text = custom
            elif keyword == "additionalProperties" and key:
                text = f"unknown key {key!r}"
            else:
                text = message if len(message) <= 200 else message[:199] + "…"
            out.setdefault((where, text), SchemaProblem(where, text, keyword, key))
    return list(out.values())


def first(found: list[SchemaProblem], position, before: tuple[str, ...] = ()) -> SchemaProblem | None:
    """The problem that comes first in the file (position(pointer) → (line, column) or None); a
    problem at one of the pointers `before` (in that order) comes before any other: what says the
    file is not of its kind at all (a baseline's format and version) is said before its details."""
    if not found:
        return None
    far = (1 << 30, 0)
    rank = {pointer: n for n, pointer in enumerate(before)}
    return min(found, key=lambda p: (rank.get(p.pointer, len(before)), position(p.pointer) or far, p.pointer))
