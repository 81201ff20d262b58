"""Built-in functions over classified tables and their rows: codes and levels, children, columns
named at run time, lookups and counts that keep table rules linear."""

from __future__ import annotations

from decimal import Decimal

from budgetlint.dsl.fn_base import Builtin, as_list, as_text, whole
from budgetlint.dsl.values import RuleTypeError, kind, short

_LEVELS = {3: "类", 5: "款", 7: "项"}


def _level(code):
    if type(code) is str:  # a row's code, in every table filter
        return _LEVELS.get(len(code))
    code = as_text(code, "level()")
    return None if code is None else _LEVELS.get(len(code))


def _parent(code):
    code = as_text(code, "parent()")
    return code[:-2] if code is not None and len(code) in (5, 7) else None


def _children(memo: dict, rows, code):
    """The rows directly under a classification code; a builtin because every table rule needs it
    per row. The rows of a table are indexed by parent code once per document (rules ask for the
    children of every row: scanning the table each time is quadratic)."""
    if type(rows) is not list:  # a tuple or set is a fresh list each call: nothing to index
        rows = as_list(rows, "children()")
        code = as_text(code, "children()")
        return None if rows is None or code is None else _children_index(rows).get(code, [])[:]
    code = as_text(code, "children()")
    if code is None:
        return None
    key = ("children()", id(rows))
    entry = memo.get(key)
    if entry is None or entry[0] is not rows:  # the entry keeps rows alive: its id is not reused
        entry = memo[key] = (rows, _children_index(rows))
    return entry[1].get(code, [])[:]


def _children_index(rows: list) -> dict[str, list]:
    index: dict[str, list] = {}
    for r in rows:
        c = r.get("code") if type(r) is dict else None
        if type(c) is str and len(c) >= 2:  # a child's code is its parent's plus two digits
            index.setdefault(c[:-2], []).append(r)
    return index


def _pluck(rows, field):
    """`rows.<field>` for a field named at run time: each row's value, nulls dropped."""
    if type(rows) is list and type(field) is str:  # per column of a table
        return [v for r in rows if type(r) is dict and (v := r.get(field)) is not None]
    items = as_list(rows, "pluck()")
    field = as_text(field, "pluck()")
    if items is None or field is None:
        return None
    return [v for r in items if type(r) is dict and (v := r.get(field)) is not None]


def _index_by(rows, field):
    """An object from a list of objects: each value of `field` → the first object that has it.
    Looking rows up by code through it is linear; a filter per row would be quadratic."""
    items = as_list(rows, "index_by()")
    field = as_text(field, "index_by()")
    if items is None or field is None:
        return None
    index: dict = {}
    for r in items:
        if type(r) is dict and isinstance(key := r.get(field), str):
            index.setdefault(key, r)
    return index


_GROUPS = (list, tuple, frozenset)  # a tuple: isinstance() with it beats a union


def _tally(values):
    """An object: each distinct text → how many times it occurs, in order of first occurrence;
    nulls are dropped. A list or set among the values counts each of its members (one level, as
    a projection flattens), so a list of sets gives in how many of the sets each text occurs.
    Counting through it is linear; a filter or a membership test per element would be quadratic.
    Only text is counted: object keys are text, and keying a number by its printed form would
    count 1 and 1.00 apart although 1 == 1.00, so a number is a type error (count str(x))."""
    items = as_list(values, "tally()")
    if items is None:
        return None
    counts: dict[str, int] = {}
    for v in items:
        if isinstance(v, str):
            counts[v] = counts.get(v, 0) + 1
        elif isinstance(v, _GROUPS):
            for member in v:
                if isinstance(member, str):
                    counts[member] = counts.get(member, 0) + 1
                elif member is not None:
                    _not_text(member)
        elif v is not None:
            _not_text(v)
    return {text: whole(n) for text, n in counts.items()}


def _not_text(value):
    hint = "; count str(x) and look it up by str(x)" if type(value) is Decimal else ""
    raise RuleTypeError(f"tally() counts text, got {kind(value)} {short(value)}{hint}")


def _table_kinds(tag):
    from budgetlint.table_kinds import keys_tagged

    return keys_tagged(as_text(tag, "table_kinds()") or "")


def _table_name(key):
    from budgetlint.table_kinds import BY_KEY

    kind = BY_KEY.get(as_text(key, "table_name()"))
    return kind.name if kind else key


def _table_titles(key, profile):
    from budgetlint.table_kinds import titles_for

    return frozenset(
        titles_for(as_text(key, "table_titles()") or "", as_text(profile, "table_titles()") or "")
    )


TABLE_BUILTINS: dict[str, Builtin] = {
    "table_kinds": Builtin(
        _table_kinds, 1, 1, "the keys of the table kinds with a tag (functional, rows, required)"
    ),
    "table_name": Builtin(
        _table_name, 1, 1, "a table kind's name in the national template (revenue → 部门收入总表)"
    ),
    "table_titles": Builtin(_table_titles, 2, 2, "the set of titles a table kind prints under a profile"),
    "level": Builtin(_level, 1, 1, "类/款/项 from the length of a classification code"),
    "children": Builtin(
        _children, 2, 2, "the rows directly under a code (208 → its 款 rows)", per_document=True
    ),
    "pluck": Builtin(_pluck, 2, 2, "the values of a field named at run time over a list (nulls dropped)"),
    "index_by": Builtin(_index_by, 2, 2, "an object: each value of a field → the first row with it"),
    "tally": Builtin(_tally, 1, 1, "an object: each distinct text of a list → how many times it occurs"),
    "parent": Builtin(_parent, 1, 1, "the parent classification code (2080109 → 20801)"),
}
