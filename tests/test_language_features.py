# ruff: noqa: E501 (rule sources and the problems they give read best on one line each)
"""The language features of issue 13: records, several asserts in one rule, templates, file-scoped
definitions with `import`, and no definition shadowing a builtin."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from budgetlint.dsl.parser import RuleSyntaxError, parse_rules
from budgetlint.dsl.rules import Pointers
from budgetlint.rulebook import build
from budgetlint.schema import load_schema

DOC = {
    "items": [
        {"name": "a", "amount": D("282.9"), "share_pct": D("11.34")},
        {"name": "b", "amount": D("0.98"), "share_pct": D("0.04")},
    ],
}
META = 'title "标题" title_en "Title" severity error basis "依据"'


def _build(*files: tuple[str, str], schema=None):
    return build([parse_rules(text, name) for name, text in files], schema)


@pytest.fixture(autouse=True)
def _full_budget():
    # rules evaluated directly, not through the engine, which refills the budget before each
    from budgetlint.dsl.scope import BUDGET, MAX_STEPS

    BUDGET[0] = MAX_STEPS


def _hits(rule, doc=DOC):
    return [(h.pointer, h.message) for h in rule.evaluate(doc, Pointers(doc))]


# --- records ------------------------------------------------------------------------------------


def test_a_record_is_read_by_field_name_and_unpacked_in_let_and_for():
    rules, problems = _build(
        (
            "r.rules",
            "def figures(i) = {printed: i.amount, share: i.share_pct}\n"
            f"rule R-1 {{ {META}\n"
            "  for i in items\n"
            "  let {printed, share} = figures(i)\n"
            "  assert printed < 100\n"
            "  message '{i.name} {printed} {share}%'\n"
            "}\n"
            f"rule R-2 {{ {META}\n"
            "  for {name, amount} in items\n"
            "  assert amount > 1\n"
            "  message '{name} {amount}'\n"
            "}\n",
        )
    )
    assert not problems
    assert _hits(rules[0]) == [("/items/0", "a 282.9 11.34%")]
    assert _hits(rules[1]) == [("/items/1", "b 0.98")]  # a finding of an unpacked `for`: its element


def test_a_misspelt_record_field_and_a_positional_read_are_static_errors():
    _, problems = _build(
        (
            "r.rules",
            f"rule R-1 {{ {META}\n"
            "  let check = {total: 1, parts: [1]}\n"
            "  assert check.totl == sum(check.parts) and check[0] == 1\n"
            "  message 'x'\n"
            "}\n",
        ),
        schema=load_schema(),
    )
    joined = "\n".join(problems)
    assert "r.rules:3:10: the schema has no field 'totl' in check; did you mean 'total'?" in joined
    assert "r.rules:3:45: a record's fields are read by name (check.total); it has: total, parts" in joined


def test_unpacking_a_field_the_record_lacks_is_a_static_error():
    _, problems = _build(
        ("r.rules", f"rule R-1 {{ {META}\n  let {{total, parst}} = {{total: 1, parts: 2}}\n  assert total == 1\n"
         "  message 'x'\n}\n"),
        schema=load_schema(),
    )  # fmt: skip
    assert any(p.startswith("r.rules:2:3: the schema has no field 'parst'") for p in problems), problems


@pytest.mark.parametrize(
    ("source", "fragment", "column"),
    [
        ("rule A-1 { let x = {a: 1, a: 2} }", "the record gives 'a' twice", 20),
        ("rule A-1 { let {a, a} = x }", "'a' is unpacked twice", 16),
        (
            "rule A-1 { message 'm' assert x }",
            "'message' belongs to an assert: write it after the assert",
            12,
        ),
        (
            "rule A-1 { assert x message 'm' message 'n' }",
            "'message' is given twice for the assert at line 1",
            33,
        ),
    ],
)
def test_syntax_errors_of_the_new_statements_have_line_column_and_caret(source, fragment, column):
    with pytest.raises(RuleSyntaxError) as info:
        parse_rules(source, "bad.rules")
    text = info.value.render()
    assert text.startswith(f"bad.rules:1:{column}: syntax error: {fragment}"), text
    line, caret = text.splitlines()[1:3]
    assert line.strip() == source and caret.index("^") - 4 == column - 1


# --- several asserts ------------------------------------------------------------------------------


def test_each_assert_gives_its_own_finding_location_and_message():
    rules, problems = _build(
        (
            "r.rules",
            f"rule R-1 {{ {META}\n"
            "  for i in items\n"
            "  assert i.amount < 100\n"
            "  at i.amount\n"
            "  message '{i.name} 金额过大' message_en '{i.name} too large'\n"
            "  when i.share_pct < 1\n"
            "  assert i.share_pct > 0.5\n"
            "  at i.share_pct\n"
            "  message '{i.name} 占比过小' message_en '{i.name} share too small'\n"
            "}\n",
        )
    )
    assert not problems
    hits = list(rules[0].evaluate(DOC, Pointers(DOC)))
    assert [(h.pointer, h.message, h.message_en) for h in hits] == [
        ("/items/0/amount", "a 金额过大", "a too large"),
        ("/items/1/share_pct", "b 占比过小", "b share too small"),
    ]


def test_an_assert_without_a_message_is_named_by_its_line():
    _, problems = _build(("r.rules", f"rule R-1 {{ {META}\n  assert true message 'x'\n  assert false\n}}\n"))
    assert problems == ["r.rules:3:3: this assert of rule R-1 has no message"]


# --- templates -------------------------------------------------------------------------------------

TEMPLATE = (
    "template at_most(limit, word) {\n"
    '  severity warning basis "依据"\n'
    "  for i in items\n"
    "  assert i.amount <= limit\n"
    "  message '{i.name} {word} {limit}'\n"
    "}\n"
)


def test_one_template_makes_several_rules_with_their_own_metadata():
    rules, problems = _build(
        (
            "r.rules",
            TEMPLATE + 'rule T-1 = at_most(100, "超过") { title "一" title_en "One" }\n'
            'rule T-2 = at_most(1, "above") { title "二" title_en "Two" severity error }\n',
        )
    )
    assert not problems
    one, two = rules
    assert (one.info.id, one.info.title, one.info.severity) == ("T-1", "一", "warning")
    assert (two.info.id, two.info.severity, two.info.basis) == ("T-2", "error", "依据")
    assert _hits(one) == [("/items/0", "a 超过 100")]
    assert _hits(two) == [("/items/0", "a above 1")]


@pytest.mark.parametrize(
    ("instance", "problem"),
    [
        ('rule T-1 = at_most(1) { title "t" title_en "t" }', "r.rules:7:10: template at_most() takes 2 argument(s), 1 given"),
        ('rule T-1 = at_mots(1, "x") { title "t" title_en "t" }', "r.rules:7:10: no template 'at_mots'; did you mean 'at_most'?"),
        ('rule T-1 = at_most(1, "x") { title "t" title_en "t"\n assert true message "m" }',
         "r.rules:8:2: rule T-1 is made from template 'at_most': give it metadata only"),
    ],
)  # fmt: skip
def test_a_wrong_use_of_a_template_is_a_static_error(instance, problem):
    _, problems = _build(("r.rules", TEMPLATE + instance + "\n"))
    assert problem in problems


# --- file scope and import ------------------------------------------------------------------------


def test_each_file_has_its_own_definitions_and_imports_another_files_names():
    common = ("_common.rules", "def big(x) = x > 100\ndef label(i) = i.name\n")
    one = (
        "one.rules",
        f"def big(x) = x > 1\nrule A-1 {{ {META}\n for i in items\n assert not big(i.amount)\n message 'x' }}\n",
    )
    two = ("two.rules", "import big, label from _common\n"
           f"rule A-2 {{ {META}\n for i in items\n assert not big(i.amount)\n message '{{label(i)}}' }}\n")  # fmt: skip
    rules, problems = _build(common, one, two)
    assert not problems
    assert _hits(rules[0]) == [("/items/0", "x")]  # one.rules's own big(): over 1
    assert _hits(rules[1]) == [("/items/0", "a")]  # _common's big(): over 100


def test_a_name_of_another_file_without_import_says_what_to_write():
    common = ("_common.rules", "def big(x) = x > 100\n")
    user = ("user.rules", f"rule A-1 {{ {META}\n assert not big(1)\n message 'x' }}\n")
    _, problems = _build(common, user)
    assert problems == [
        "user.rules:2:13: 'big' is defined in _common.rules: add `import big from _common` at the top of this file"
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (
            "import big from commn",
            "u.rules:1:1: no rule file 'commn.rules' is loaded; did you mean '_common'?",
        ),
        (
            "import bog from _common",
            "u.rules:1:1: _common.rules has no definition 'bog'; did you mean 'big'?",
        ),
    ],
)
def test_a_wrong_import_is_a_static_error(line, problem):
    _, problems = _build(("_common.rules", "def big(x) = x > 100\n"), ("u.rules", line + "\n"))
    assert problems == [problem]


@pytest.mark.parametrize("name", ["setting", "count", "sum"])
def test_a_definition_may_not_shadow_a_builtin(name):
    # before: `def setting(x) = 42` was accepted and ignored, the message read the builtin's value
    _, problems = _build(
        ("r.rules", f"def {name}(x) = 42\nrule A-1 {{ {META}\n assert false\n message '{{setting(\"rounding_per_item\")}}' }}\n")
    )  # fmt: skip
    assert f"r.rules:1:1: '{name}' is a built-in function; choose another name" in problems


def test_eval_calls_a_definition_by_its_name_when_one_file_defines_it():
    from budgetlint.api import load_rulebook

    rulebook = load_rulebook()
    assert rulebook.evaluate("amount(null)", {}) == 0


# --- long messages --------------------------------------------------------------------------------


def test_a_message_written_as_several_strings_is_their_text_joined():
    rules, problems = _build(
        (
            "r.rules",
            f"rule R-1 {{ {META}\n"
            "  for i in items\n"
            "  assert i.amount < 100\n"
            '  message "项目「{i.name}」金额"\n'
            '          "为 {i.amount}，超过 100"\n'
            '  message_en "Item {i.name} " "is {i.amount}"\n'
            "}\n",
        )
    )
    assert not problems
    [hit] = rules[0].evaluate(DOC, Pointers(DOC))
    assert (hit.message, hit.message_en) == ("项目「a」金额为 282.9，超过 100", "Item a is 282.9")


def test_a_mistake_in_the_second_string_of_a_message_points_at_its_line():
    source = f"rule R-1 {{ {META}\n  assert false\n  message 'a'\n    '{{nme}}'\n}}\n"
    _, problems = _build(("r.rules", source), schema=load_schema())
    assert [p.split(";")[0] for p in problems] == ["r.rules:4:7: unbound name 'nme'"]


# --- a guard of one assert, a long title ----------------------------------------------------------


def test_an_assert_with_if_is_checked_only_where_its_guard_is_true():
    rules, problems = _build(
        (
            "r.rules",
            'rule R-1 { title "长标题，"\n  "分两行" title_en "A" " title" severity error basis "b"\n'
            "  for i in items\n"
            "  assert i.amount < 100 if i.share_pct > 1\n"
            "  message '{i.name} 大'\n"
            "  assert i.amount > 1 if i.share_pct < 1\n"
            "  message '{i.name} 小'\n"
            "}\n",
        )
    )
    assert not problems
    assert (rules[0].info.title, rules[0].info.title_en) == ("长标题，分两行", "A title")
    assert _hits(rules[0]) == [("/items/0", "a 大"), ("/items/1", "b 小")]
    doc = {"items": [{"name": "c", "amount": D(500), "share_pct": None}]}
    assert _hits(rules[0], doc) == []  # a guard that is null (data absent) skips the assert


def test_at_a_computed_number_is_a_rule_error_not_a_finding_at_the_root():
    # `at` of a value that has no place (a number picked by if/then/else) used to fall back to
    # the document's root silently
    from budgetlint.engine import rule_findings
    from budgetlint.loader import Document

    rules, problems = _build(
        (
            "r.rules",
            f"rule R-1 {{ {META}\n"
            "  let cell = if count(items) > 0 then get(items[0], 'amount') else null\n"
            "  assert cell < 100\n"
            "  at cell\n"
            "  message '{cell}'\n"
            "}\n",
        )
    )
    assert not problems
    book = type("B", (), {"rules": tuple(rules)})()
    [finding] = rule_findings(Document.in_memory("d.json", DOC), book)
    assert finding.rule == "rule-error" and (finding.file, finding.line) == ("r.rules", 4)
    assert "'at' needs a list or object of the document" in finding.message


def _located(at: str, lets: str = ""):
    """The findings of a rule failing on each item with `at` at: (pointer or rule-error's place and message)."""
    from budgetlint.engine import rule_findings
    from budgetlint.loader import Document

    rules, problems = _build(
        (
            "r.rules",
            f"rule R-1 {{ {META}\n  for item in items\n{lets}  assert false\n  at {at}\n  message 'm'\n}}\n",
        )
    )
    assert not problems
    book = type("B", (), {"rules": tuple(rules)})()
    found = rule_findings(Document.in_memory("d.json", DOC), book)
    return [(f.line, f.column, f.message) if f.rule == "rule-error" else f.pointer for f in found]


@pytest.mark.parametrize(
    ("at", "lets", "built"),
    [
        ("{row: item, n: 1}", "", "an object"),  # a record literal
        ("rec", "  let rec = {row: item}\n", "an object"),
        ("items[it.amount > 1]", "", "a list"),  # a filter's result
        ("items[it.amount > 1].name", "", "a list"),  # a projection of it
        ("[item]", "", "a list"),
        ("get(rec, 'rows')", "  let rec = {rows: [item]}\n", "a list"),  # a built member of a built record
        ("rec.rows", "  let rec = {rows: [item]}\n", "a list"),
    ],
)
def test_at_a_record_or_list_the_rule_built_is_a_rule_error_at_the_at(at, lets, built):
    # it used to fall back silently to the `for`'s element, as if the rule had written no `at`
    line = 5 if lets else 4
    assert _located(at, lets) == [
        (
            line,
            6,
            "R-1: 'at' needs a list or object of the document, or a member written x.name or get(x, key); "
            f"this gives {built} the rule built, not one of the document's (while checking d.json)",
        )
    ]


@pytest.mark.parametrize(
    ("at", "lets", "pointers"),
    [
        ("item", "", ["/items/0", "/items/1"]),  # an object of the document
        ("items", "", ["/items", "/items"]),  # an array of the document
        ("rec.row", "  let rec = {row: item}\n", ["/items/0", "/items/1"]),  # a record's field holding one
        ("get(rec, 'row')", "  let rec = {row: item}\n", ["/items/0", "/items/1"]),
        ("rec.row.amount", "  let rec = {row: item}\n", ["/items/0/amount", "/items/1/amount"]),
        ("rec.all", "  let rec = {all: items}\n", ["/items", "/items"]),
        (
            "first(items[it.name == item.name])",
            "",
            ["/items/0", "/items/1"],
        ),  # an element of a filter's result
        ("rec.none", "  let rec = {none: null}\n", ["/items/0", "/items/1"]),  # null: the element, as before
    ],
)
def test_at_a_value_of_the_document_still_locates_it_through_what_the_rule_built(at, lets, pointers):
    assert _located(at, lets) == pointers


def test_at_a_number_held_by_a_record_is_a_rule_error():
    [(line, column, message)] = _located("get(rec, 'n')", "  let rec = {n: item.amount}\n")
    assert (line, column) == (5, 6) and "this gives number (while" in message


# --- strings continued, lets only a finding needs -------------------------------------------------


def test_adjacent_strings_are_one_text_so_a_long_pattern_continues_on_the_next_line():
    rules, problems = _build(
        ("r.rules", f"rule R-1 {{ {META}\n  for i in items\n  assert not matches(i.name, \"^a$\"\n    \"|^z$\")\n  message 'x'\n}}\n")
    )  # fmt: skip
    assert not problems
    assert _hits(rules[0]) == [("/items/0", "x")]


def test_a_let_only_a_message_reads_is_computed_only_for_a_finding():
    # `text > 5` is a type error: computed for the passing element it would be a rule-error
    rules, problems = _build(
        (
            "r.rules",
            f"rule R-1 {{ {META}\n"
            "  for i in items\n"
            "  let words = if i.amount > 100 then i.name > 5 else i.name\n"
            "  assert i.amount > 100\n"
            "  message '{words}'\n"
            "}\n",
        )
    )
    assert not problems
    assert _hits(rules[0]) == [("/items/1", "b")]  # item a passes: its words are never computed


def test_a_let_read_by_the_assertion_or_rebinding_a_later_name_is_computed_where_it_stands():
    from budgetlint.dsl.deferred import deferred_lets
    from budgetlint.dsl.parser import parse_rules as parse

    def plan(body: str) -> dict:
        return deferred_lets(parse(f"rule R-1 {{ {META}\n{body}\n}}\n", "r.rules").rules[0].steps)

    assert plan("let a = 1\nlet b = a + 1\nassert b > 0 message '{a}'") == {}  # b needs a
    assert plan("let a = x\nfor x in items\nassert true message '{a}'") == {}  # x rebound after
    assert plan("let a = 1\nassert true message '{a}'\nassert false message '{a}'") == {1: [0], 2: [0]}
    assert plan("let a = 1\nlet b = a\nassert true message '{b}'") == {2: [0, 1]}


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ('matched("第12项", "\\\\d+")', "12"),  # Python's re (a pattern that cannot backtrack)
        (
            'matched("增长（下降）5%", "(a|a)+|增长（下降）")',
            "增长（下降）",
        ),  # RE2: offsets in bytes, text back
        ('matched("abc", "x+")', None),
        ('matched(null, "x")', None),
    ],
)
def test_matched_gives_the_text_a_pattern_finds(expression, value):
    from budgetlint.dsl.compiler import evaluate

    assert evaluate(expression, {}) == value


def test_matched_needs_a_literal_pattern():
    _, problems = _build(
        (
            "r.rules",
            f"rule R-1 {{ {META}\n  let p = 'x'\n  assert matched('a', p) == null\n  message 'x'\n}}\n",
        )
    )
    assert problems == ["r.rules:3:10: matched() needs its pattern as a string literal"]


def test_a_template_called_as_a_function_or_a_definition_used_as_a_template_is_named_as_such():
    source = (
        TEMPLATE
        + "def limit() = 1\n"
        + 'rule T-1 = limit() { title "t" title_en "t" }\n'
        + f"rule T-2 {{ {META}\n  assert at_most(1, 2) == null\n  message 'x'\n}}\n"
    )
    _, problems = _build(("r.rules", source))
    assert problems == [
        "r.rules:10:10: 'at_most' is a template: rules are made from it (rule ID = at_most(…))",
        "r.rules:8:10: 'limit' is a definition, not a template",
    ]
