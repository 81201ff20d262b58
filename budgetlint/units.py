"""Amounts in the unit they were printed in, read by the rules in one unit: 万元.

A table prints its figures in its own `amount_unit` (Shanghai's tables in 元, its “三公” table and
every narrative in 万元) and a project form in its `funds.unit`. Before the rules run, every table
and form figure is converted to 万元 exactly — `Decimal.scaleb`, so 1 元 is 0.0001 万元 with no
rounding — and keeps its printed precision in its exponent: 371514655.00 元 becomes 37151.465500
万元, whose last digit says the figure was printed to the 分. A figure transcribed with fewer
decimals than its table prints (`0` in a table printing `0.00`) is read at the table's precision,
so that the rules' tolerances (`ulp`, `printed_tolerance`) follow what was printed, not how it was
typed. Narrative figures are left as printed, in the document's unit.

Only the document in memory changes; the file is never written.
"""

from __future__ import annotations

from decimal import Decimal

# Powers of ten from a printed unit to 万元.
TO_WAN = {"万元": 0, "元": -4, "千元": -1, "百万元": 2, "亿元": 4}
# Numbers inside a table or form that are not money: printed column numbers, years, counts.
NOT_MONEY = frozenset({"number", "year", "count", "decimals", "page"})
DEFAULT_DECIMALS = 2
HEADERS = ("columns", "key_columns")  # a table's column declarations, not its figures


def unit_shift(unit) -> int | None:
    """The power of ten from `unit` to 万元; None for a unit budgetlint does not know."""
    if unit is None:
        return 0
    if not isinstance(unit, str):
        return None
    return TO_WAN.get(unit.replace(" ", "").removeprefix("单位：").removeprefix("单位:"))


def in_wan(data):
    """The document as the rules read it: every table and project-form figure in 万元.

    A copy of the parts that hold figures (tables, project funds); the rest is shared, and the
    loaded document is never changed, so reading it twice gives the same figures."""
    if not isinstance(data, dict):
        return data
    out = dict(data)
    tables = data.get("tables")
    if isinstance(tables, dict):
        out["tables"] = {name: _tables(table) for name, table in tables.items()}
    for key in ("performance_goals", "department_goal"):
        value = data.get(key)
        if isinstance(value, list):
            out[key] = [_with_funds(goal) for goal in value]
        elif isinstance(value, dict):
            out[key] = _with_funds(value)
    return out


def _tables(table):
    """One table, or the list of tables printed outside the template (`other`)."""
    if isinstance(table, list):
        return [_tables(t) for t in table]
    return _table(table, table.get("amount_unit")) if isinstance(table, dict) else table


def _with_funds(goal):
    if not isinstance(goal, dict) or not isinstance(goal.get("funds"), dict):
        return goal
    return {**goal, "funds": _table(goal["funds"], goal["funds"].get("unit"))}


def _table(table, unit):
    shift = unit_shift(unit)
    if not isinstance(table, dict) or shift is None:
        return table  # an unknown unit: left as printed (the schema names the units it accepts)
    decimals = table.get("decimals", DEFAULT_DECIMALS)
    if not isinstance(decimals, int | Decimal) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        decimals = DEFAULT_DECIMALS
    return _scaled(table, shift, Decimal(1).scaleb(-int(decimals)))


def _scaled(value, shift: int, quantum: Decimal):
    """The value with its figures in 万元; the very same object when nothing in it changes (a table
    printed in 万元 to its decimals, the usual case, is walked but not copied)."""
    places = quantum.as_tuple().exponent

    def figure(v: Decimal) -> Decimal:
        try:
            # same_quantum first: most figures are printed to their table's decimals, and it costs a
            # seventh of as_tuple(), which copies the digits
            if not v.same_quantum(quantum) and v.as_tuple().exponent > places and v.is_finite():
                v = v.quantize(quantum)  # 0 → 0.00: the table's printed precision
            return v.scaleb(shift) if shift else v
        except ArithmeticError:  # more digits than a Decimal context holds: left as printed
            return v

    def walk(node, key=None):
        kind = type(node)
        if kind is Decimal:
            return node if key in NOT_MONEY else figure(node)
        if kind is dict:
            changed = None
            for k, v in node.items():
                t = type(v)
                if (t is not Decimal and t is not dict and t is not list) or k in HEADERS:
                    continue  # text, a truth value, null: walk() gives it back as it is
                new = (v if k in NOT_MONEY else figure(v)) if t is Decimal else walk(v, k)
                if new is not v:
                    if changed is None:
                        changed = dict(node)
                    changed[k] = new
            return node if changed is None else changed
        if kind is list:
            items = [walk(v, key) for v in node]
            return node if all(a is b for a, b in zip(items, node, strict=True)) else items
        return node

    return walk(value)
