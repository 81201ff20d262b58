# Ten of budgetlint's built-in rules written in OPA's Rego, for bench/rego/compare.py: the same
# findings (rule id + JSON Pointer) on every sample, and the time they take through regopy.
#
# input: the document as the rules read it (budgetlint.units.in_wan: every table figure in 万元).
# Each rule is a partial set of {"rule", "pointer"}; `findings` is their union. The comment above
# each gives the rule as rules/*.rules writes it. Messages are not reproduced (only the place).
package budgetlint

import rego.v1

rounding_per_item := 0.005

functional_keys := [
	"revenue", "expenditure", "general_budget", "government_fund", "state_capital",
	"final_revenue", "final_expenditure", "final_general_budget", "final_government_fund",
	"final_state_capital",
]

# present(x): not null, and not blank text
present(x) if {
	x != null
	not is_string(x)
}

present(x) if {
	is_string(x)
	trim_space(x) != ""
}

blank(x) if x == null

blank(x) if {
	is_string(x)
	trim_space(x) == ""
}

amount(x) := x if x != null

amount(x) := 0 if x == null

level(code) := "类" if count(code) == 3

level(code) := "款" if count(code) == 5

level(code) := "项" if count(code) == 7

parent(code) := substring(code, 0, count(code) - 2) if count(code) in {5, 7}

field(obj, key) := object.get(obj, key, null) if is_object(obj)

field(obj, _) := null if not is_object(obj)

# prints(t, key) = empty(t.columns) or key in t.columns.key
prints(t, _) if count(object.get(t, "columns", [])) == 0

prints(t, key) if {
	some c in t.columns
	c.key == key
}

# The place a table's figures are printed to, in 万元: 0.01 元 in a table in 元, else 0.01 万元
# (the rules' ulp() reads it from each Decimal; JSON numbers in Rego keep no trailing zeros).
table_place(t) := 0.000001 if field(t, "amount_unit") == "元"

table_place(t) := 0.00001 if field(t, "amount_unit") == "千元"

table_place(t) := 0.01 if not field(t, "amount_unit") in {"元", "千元"}

# rounding_tolerance(n, total, sum) = setting("rounding_per_item") * n * min(place(total), place(sum), 0.01) * 100
rounding_tolerance(n, a, b, t) := ((rounding_per_item * n) * table_place(t)) * 100 if {
	not {a, b} == {0}
}

rounding_tolerance(n, a, b, _) := ((rounding_per_item * n) * 0.01) * 100 if {
	{a, b} == {0}
}

# children(rows, code): the rows whose code is code + two digits
has_children(rows, code) if {
	some r in rows
	c := field(r, "code")
	is_string(c)
	count(c) >= 2
	substring(c, 0, count(c) - 2) == code
}

# rule ARITH-03T
#   for t in functional_tables()
#   when present(t.total)
#   let top = t.rows[level(code) == "类"]
#   for col in t.columns
#   let printed = amount(get(t.total, col.key))
#   let expected = sum(pluck(top, col.key))
#   assert printed == expected ± rounding_tolerance(count(top), printed, expected)
#   at get(t.total, col.key)
findings contains f if {
	some k in functional_keys
	t := input.tables[k]
	present(field(t, "total"))
	top := [r | some r in t.rows; level(r.code) == "类"]
	some col in t.columns
	printed := amount(field(t.total, col.key))
	expected := sum([v | some r in top; v := field(r, col.key); v != null])
	abs(printed - expected) > rounding_tolerance(count(top), printed, expected, t)
	f := {"rule": "ARITH-03T", "pointer": sprintf("/tables/%s/total/%s", [k, col.key])}
}

# rule ARITH-04
#   for t in [tables.expenditure, tables.general_budget, tables.government_fund, tables.state_capital]
#   when all([prints(t, k) for k in ["total", "basic", "project"]])
#   for row in [t.total] + t.rows
#   when present(row)
#   let expected = amount(row.basic) + amount(row.project)
#   assert amount(row.total) == expected ± rounding_tolerance(2, amount(row.total), expected)
#   at row.total
arith_04_row(t, row) if {
	total := amount(field(row, "total"))
	expected := amount(field(row, "basic")) + amount(field(row, "project"))
	abs(total - expected) > rounding_tolerance(2, total, expected, t)
}

arith_04_keys := ["expenditure", "general_budget", "government_fund", "state_capital"]

arith_04_table(k) := t if {
	t := input.tables[k]
	is_object(t)
	is_array(t.rows)
	every c in ["total", "basic", "project"] {
		prints(t, c)
	}
}

findings contains f if {
	some k in arith_04_keys
	t := arith_04_table(k)
	present(field(t, "total"))
	arith_04_row(t, t.total)
	f := {"rule": "ARITH-04", "pointer": sprintf("/tables/%s/total/total", [k])}
}

findings contains f if {
	some k in arith_04_keys
	t := arith_04_table(k)
	some i, row in t.rows
	present(row)
	arith_04_row(t, row)
	f := {"rule": "ARITH-04", "pointer": sprintf("/tables/%s/rows/%d/total", [k, i])}
}

# rule ARITH-11
#   for t in functional_tables() + [tables.basic_expenditure]
#   let codes = set(t.rows.code)
#   for row in t.rows
#   when level(row.code) != "类"
#   assert parent(row.code) in codes
#   at row.code
findings contains f if {
	some k in array.concat(functional_keys, ["basic_expenditure"])
	t := input.tables[k]
	codes := {c | some r in t.rows; c := field(r, "code"); c != null}
	some i, row in t.rows
	code := field(row, "code")
	is_string(code)
	p := parent(code)
	not p in codes
	f := {"rule": "ARITH-11", "pointer": sprintf("/tables/%s/rows/%d/code", [k, i])}
}

# rule COMP-08
#   for t in functional_tables()
#   for row in t.rows
#   when count(children(t.rows, row.code)) == 0
#   assert level(row.code) == "项"
#   at row.code
findings contains f if {
	some k in functional_keys
	t := input.tables[k]
	some i, row in t.rows
	code := field(row, "code")
	is_string(code)
	level(code) in {"类", "款"}
	not has_children(t.rows, code)
	f := {"rule": "COMP-08", "pointer": sprintf("/tables/%s/rows/%d/code", [k, i])}
}

# rule XT-05
#   let g = tables.general_budget
#   let b = tables.basic_expenditure
#   when present(g.total) and present(b) and prints(b, "total") and prints(g, "basic")
#   let basic_total = amount(coalesce(b.total.total, sum(b.rows[level(it.code) == "类"].total)))
#   assert amount(g.total.basic) == basic_total
#   at b.total.total
xt_05_basic_total(b) := amount(field(b.total, "total")) if field(field(b, "total"), "total") != null

xt_05_basic_total(b) := sum([v | some r in b.rows; level(r.code) == "类"; v := field(r, "total"); v != null]) if {
	field(field(b, "total"), "total") == null
}

findings contains f if {
	g := input.tables.general_budget
	b := input.tables.basic_expenditure
	present(field(g, "total"))
	present(b)
	prints(b, "total")
	prints(g, "basic")
	amount(field(g.total, "basic")) != xt_05_basic_total(b)
	f := {"rule": "XT-05", "pointer": "/tables/basic_expenditure/total/total"}
}

# rule STAFF-01
#   let posts = overview.organization.posts
#   when not empty(posts.items)
#   assert posts.total == sum(posts.items.count)
#   at posts.total
findings contains f if {
	posts := input.overview.organization.posts
	count(posts.items) > 0
	posts.total != null
	posts.total != sum([c | some i in posts.items; c := field(i, "count"); c != null])
	f := {"rule": "STAFF-01", "pointer": "/overview/organization/posts/total"}
}

# rule SG-04
#   for item in narrative.three_public.items
#   when is_change(item.change)    # present(c) and c.direction != "持平" and (coalesce(c.amount, 0) != 0 or coalesce(c.pct, 0) != 0)
#   assert present(item.change.reason)
#   at item.change.reason
is_change(c) if {
	present(c)
	d := field(c, "direction")
	d != null
	d != "持平"
	amount(field(c, "amount")) != 0
}

is_change(c) if {
	present(c)
	d := field(c, "direction")
	d != null
	d != "持平"
	amount(field(c, "pct")) != 0
}

findings contains f if {
	some i, item in input.narrative.three_public.items
	is_change(field(item, "change"))
	blank(field(item.change, "reason"))
	f := {"rule": "SG-04", "pointer": sprintf("/narrative/three_public/items/%d/change/reason", [i])}
}

# rule PERF-04
#   for goal in performance_goals
#   for ind in goal.indicators
#   when contains(ind.level2, "数量")
#   assert not (comparator(ind.value) in {"≤", "<"})
#   at ind.value
findings contains f if {
	some i, goal in input.performance_goals
	some j, ind in goal.indicators
	is_string(field(ind, "level2"))
	contains(ind.level2, "数量")
	is_string(field(ind, "value"))
	regex.match(`^[\s\p{Z}]*(≤|<=|<|＜)`, ind.value)
	not regex.match(`^[\s\p{Z}]*(≥|>=)`, ind.value)
	f := {"rule": "PERF-04", "pointer": sprintf("/performance_goals/%d/indicators/%d/value", [i, j])}
}

# rule PERF-07B
#   for goal in performance_goals
#   for ind in goal.indicators
#   assert present(ind.value)
#   at ind.value
findings contains f if {
	some i, goal in input.performance_goals
	some j, ind in goal.indicators
	blank(field(ind, "value"))
	f := {"rule": "PERF-07B", "pointer": sprintf("/performance_goals/%d/indicators/%d/value", [i, j])}
}

# rule META-04
#   for t in printed_tables()    # [get(tables, k) for k in keys(tables) if k != "other"] + coalesce(tables.other, [])
#   assert present(t.amount_unit)
#   at t.amount_unit
findings contains f if {
	some k, t in input.tables
	k != "other"
	blank(field(t, "amount_unit"))
	f := {"rule": "META-04", "pointer": sprintf("/tables/%s/amount_unit", [k])}
}

findings contains f if {
	some i, t in input.tables.other
	blank(field(t, "amount_unit"))
	f := {"rule": "META-04", "pointer": sprintf("/tables/other/%d/amount_unit", [i])}
}
