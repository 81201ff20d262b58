"""Amounts printed in 元 (or any unit) are read by the rules in 万元, exactly, at their printed precision."""

from decimal import Decimal

from budgetlint.units import in_wan, unit_shift


def _doc(unit, **cells):
    columns = [{"key": "total", "number": Decimal(1)}]
    rows = [{"code": "201", "total": v} for v in cells.values()]
    return {"tables": {"revenue": {"amount_unit": unit, "columns": columns, "rows": rows}}}


def test_yuan_figures_become_wan_exactly_with_their_printed_precision():
    data = _doc("元", a=Decimal("371514655.00"), b=Decimal("0"))
    rows = in_wan(data)["tables"]["revenue"]["rows"]
    assert rows[0]["total"] == Decimal("37151.4655") and str(rows[0]["total"]) == "37151.465500"
    assert str(rows[1]["total"]) == "0.000000"  # a 0 typed in a table printing 0.00: read as 0.00 元


def test_wan_tables_keep_their_values_and_take_the_printed_decimals():
    rows = in_wan(_doc("万元", a=Decimal("2"), b=Decimal("2495.56")))["tables"]["revenue"]["rows"]
    assert [str(r["total"]) for r in rows] == ["2.00", "2495.56"]


def test_the_loaded_document_is_not_changed_and_column_numbers_are_not_money():
    data = _doc("元", a=Decimal("100.00"))
    seen = in_wan(data)
    assert data["tables"]["revenue"]["rows"][0]["total"] == Decimal("100.00")
    assert seen["tables"]["revenue"]["columns"][0]["number"] == 1
    assert in_wan(data) == seen  # reading twice gives the same figures, never scaled twice


def test_project_funds_follow_their_own_unit():
    data = {"performance_goals": [{"funds": {"unit": "元", "total": Decimal("9300"), "other_parts": [
        {"label": "其中：财政拨款", "amount": Decimal("9300.00")}]}}]}  # fmt: skip
    funds = in_wan(data)["performance_goals"][0]["funds"]
    assert funds["total"] == Decimal("0.93") and funds["other_parts"][0]["amount"] == Decimal("0.93")


def test_units_as_printed():
    assert unit_shift("单位：元") == -4 and unit_shift("万元") == 0 and unit_shift(None) == 0
    assert unit_shift("美元") is None
    unknown = _doc("美元", a=Decimal("5"))
    assert in_wan(unknown)["tables"]["revenue"]["rows"][0]["total"] == 5
