"""Static path checking: which fields the JSON Schema says a path can reach."""

from __future__ import annotations

from typing import NamedTuple

from budgetlint.hints import did_you_mean


class SType(NamedTuple):
    """What the schema knows about an expression: a schema node, and whether it is a list of them.

    A named tuple: a frozen dataclass costs ~1 ms to create at import, on every run."""

    node: dict
    is_list: bool = False


class PathError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SchemaIndex:
    def __init__(self, schema: dict):
        self.schema = schema
        self._root_fields = sorted(schema.get("properties", {}))
        self._root_field_set = frozenset(self._root_fields)
        # (id of a schema node, is a list, field) → the field's type: a rulebook asks for the
        # same paths (tables.revenue.rows …) hundreds of times; schema nodes live as long as self
        self._fields: dict[tuple, SType | None] = {}

    def root(self) -> SType:
        return SType(self.schema)

    def _resolve(self, node: dict) -> list[dict]:
        """The non-null alternatives a node stands for, $refs followed."""
        seen = 0
        while "$ref" in node and seen < 50:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                return [node]
            target = self.schema
            for part in ref[2:].split("/"):
                target = target.get(part, {})
            node, seen = target, seen + 1
        branches = node.get("anyOf") or node.get("oneOf")
        if branches:
            out: list[dict] = []
            for b in branches:
                out.extend(self._resolve(b))
            return [b for b in out if b.get("type") != "null"]
        return [node]

    def field(self, stype: SType | None, name: str, where) -> SType | None:
        """The type of `expr.name`, or PathError when the schema rules the field out (`where`
        names expr in the message: text, or a function giving it)."""
        if stype is None:
            return None
        key = (id(stype.node), stype.is_list, name)
        if key in self._fields:
            return self._fields[key]
        found = self._field(stype, name, where)
        self._fields[key] = found
        return found

    def _field(self, stype: SType, name: str, where) -> SType | None:
        candidates: list[tuple[dict, bool]] = []
        known: set[str] = set()
        closed = True
        for node in self._resolve(stype.node):
            is_list = stype.is_list
            while "items" in node and isinstance(node["items"], dict):
                alternatives = self._resolve(node["items"])
                if len(alternatives) != 1:
                    return None
                node, is_list = alternatives[0], True
            props = node.get("properties")
            if props is None:
                closed = closed and node.get("type") not in (None, "object")
                if node.get("type") in (None, "object"):
                    return None
                continue
            known.update(props)
            if name in props:
                candidates.append((props[name], is_list))
            elif node.get("additionalProperties", True) is not False:
                closed = False
        if candidates:
            node, is_list = candidates[0]
            return SType(node, is_list)
        if not closed:
            return None
        if where is None:  # a yes/no question (has_field): no message to compose
            raise PathError("")
        hint = did_you_mean(name, sorted(known))
        fields = f" (it has: {', '.join(sorted(known))})" if known and len(known) <= 16 else ""
        where = where if isinstance(where, str) else where()
        raise PathError(f"the schema has no field '{name}' in {where}{hint}{fields}")

    def has_field(self, stype: SType, name: str) -> bool:
        """Whether the schema names `name` as a field of stype."""
        try:
            return self.field(stype, name, None) is not None
        except PathError:
            return False

    def element(self, stype: SType | None) -> SType | None:
        """The type of one element when iterating over `stype`."""
        if stype is None:
            return None
        for node in self._resolve(stype.node):
            if isinstance(node.get("items"), dict):
                return SType(node["items"], False)
            if stype.is_list:
                return SType(node, False)
        return None

    def root_fields(self) -> list[str]:
        return self._root_fields

    def is_root_field(self, name: str) -> bool:
        return name in self._root_field_set
