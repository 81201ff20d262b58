"""What the compiler writes inline for speed gives what the general path gives (issue 15): builtins
written out at the call (min/max of their arguments, the string tests), text joined by `+`, a
condition named by `let` tested without truth(), and a pure computation read again from the local
that holds it — never from one a branch not taken would have set."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from budgetlint.dsl.compiler import evaluate
from budgetlint.dsl.functions import BUILTINS
from budgetlint.dsl.parser import parse_rules
from budgetlint.dsl.scope import BUDGET, MAX_STEPS
from budgetlint.dsl.values import RuleTypeError, arith, contains, spelled
from budgetlint.engine import rule_findings
from budgetlint.loader import Document
from budgetlint.rulebook import build

LONG = "长" * 600
VALUES = {
    "one": D(1),
    "two": D("2.0"),
    "also_two": D(2),
    "nothing": None,
    "text": "经费支出",
    "part": "经费",
    "flag": True,
    "long": LONG,
    "items": [D(3), D(1)],
}


def _outcome(thunk):
    """A value as the rule language spells it, or the type error's message."""
    try:
        return spelled(thunk())
    except RuleTypeError as err:
        return f"error: {err}"


@pytest.mark.parametrize("name", ["min", "max"])
@pytest.mark.parametrize(
    "args",
    [
        ("one", "two"),
        ("two", "also_two"),  # equal numbers: the first is kept, as the builtin keeps it
        ("also_two", "two", "one"),
        ("one", "nothing", "two"),  # a null is dropped
        ("nothing", "nothing"),
        ("one", "text"),  # not a number: the builtin's error
        ("flag", "one"),
        ("items",),  # of a list
    ],
)
def test_min_and_max_of_their_arguments_give_what_the_builtin_gives(name, args):
    inline = _outcome(lambda: evaluate(f"{name}({', '.join(args)})", VALUES))
    general = _outcome(lambda: BUILTINS[name].impl(*(VALUES[a] for a in args)))
    assert inline == general
    assert inline == _outcome(lambda: evaluate(f"{name}({', '.join(args)})", VALUES))  # twice: same


@pytest.mark.parametrize("name", ["contains", "starts_with", "ends_with"])
@pytest.mark.parametrize(
    "args", [("text", "part"), ("part", "text"), ("text", "nothing"), ("nothing", "part"), ("text", "one")]
)
def test_the_string_tests_give_what_the_builtin_gives(name, args):
    inline = _outcome(lambda: evaluate(f"{name}({', '.join(args)})", VALUES))
    assert inline == _outcome(lambda: BUILTINS[name].impl(*(VALUES[a] for a in args)))


@pytest.mark.parametrize("name", ["ulp", "decimals"])
@pytest.mark.parametrize(
    "value",
    [D("11.34"), D("0.6"), D(100), D("2457.00"), D("0.000001"), D("-0.01"), D("1E+2"), None, "x", True],
)
def test_ulp_and_decimals_give_what_the_builtin_gives(name, value):
    inline = _outcome(lambda: evaluate(f"{name}(v)", {"v": value}))
    assert inline == _outcome(lambda: BUILTINS[name].impl(value))
    result = evaluate(f"{name}(v)", {"v": value}) if type(value) is D else None
    if result is not None:  # the same number, printed the same (its exponent too)
        assert str(result) == str(BUILTINS[name].impl(value))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("text", "'（'"),
        ("'（'", "text"),
        ("nothing", "'x'"),  # null: null
        ("one", "'x'"),  # a number and text: arith()'s error
        ("'x'", "items"),
        ("text + '（'", "part"),  # text joined to what text was joined to
        ("one + '('", "one"),
        ("long", "long + '!'"),  # past 1,000 characters: arith() joins it, charging the budget
        ("long", "long"),
    ],
)
def test_text_joined_by_plus_gives_what_arith_gives(left, right):
    inline = _outcome(lambda: evaluate(f"{left} + {right}", VALUES))
    general = _outcome(lambda: arith("+", evaluate(left, VALUES), evaluate(right, VALUES)))
    assert inline == general


@pytest.mark.parametrize(
    ("item", "container"),
    [
        ("part", "{'经费', '支出'}"),  # a set written out
        ("'x'", "{'经费', '支出'}"),
        ("one", "{1, 2}"),
        ("part", "[text, part]"),
        ("part", "items"),
        ("part", "text"),  # text in text
        ("nothing", "{'a'}"),
        ("part", "nothing"),
        ("one", "text"),  # a number in text: the error
        ("part", "one"),
        ("'1'", "[one]"),  # text equals only text
    ],
)
@pytest.mark.parametrize("negate", [False, True])
def test_in_gives_what_contains_gives(item, container, negate):
    word = "not in" if negate else "in"
    inline = _outcome(lambda: evaluate(f"{item} {word} {container}", VALUES))

    def general():
        found = contains(evaluate(container, VALUES), evaluate(item, VALUES))
        return found if found is None or not negate else not found

    assert inline == _outcome(general)


@pytest.mark.parametrize(
    ("left", "right"),
    [("one", "two"), ("two", "0"), ("two", "0.00"), ("nothing", "two"), ("one", "nothing"), ("text", "two")],
)
def test_division_gives_what_arith_gives(left, right):
    inline = _outcome(lambda: evaluate(f"{left} / {right}", VALUES))
    assert inline == _outcome(lambda: arith("/", evaluate(left, VALUES), evaluate(right, VALUES)))


def test_joining_long_text_is_charged_as_before():
    BUDGET[0] = MAX_STEPS
    assert evaluate("long + long", VALUES) == LONG + LONG
    assert MAX_STEPS - BUDGET[0] == 1200
    BUDGET[0] = MAX_STEPS
    assert evaluate("long + 'x'", VALUES) == LONG + "x"
    assert BUDGET[0] == MAX_STEPS  # 601 characters: nothing


META = 'title "标题" title_en "Title" severity error basis "依据"'
DOC = {
    "rows": [
        {"code": "2080109", "name": "a", "flag": True, "n": D(5)},
        {"code": "2080110", "name": "b", "flag": False, "n": D(0)},
        {"code": None, "name": "c", "flag": None, "n": None},
    ],
    "text": "x",
}


def _messages(body: str, doc=DOC):
    rules, problems = build([parse_rules(f"rule T-1 {{ {META}\n{body}\n}}\n", "t.rules")], None)
    assert not problems, problems
    found = rule_findings(Document.in_memory("d.json", doc), type("B", (), {"rules": tuple(rules)})())
    return [f.message if f.rule == "rule-error" else (f.pointer, f.message) for f in found]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # computed in one branch only, then again after: the second is computed where it stands
        (
            "for row in rows\n let p = if row.flag then coalesce(parent(row.code), 'z') else null\n"
            " assert false\n message '{p} {parent(row.code)}'",
            [("/rows/0", "20801 20801"), ("/rows/1", "（空） 20801"), ("/rows/2", "（空） （空）")],
        ),
        (
            "for row in rows\n let c = row.flag and contains(row.name, 'a')\n"
            " assert false\n message '{c} {contains(row.name, \"a\")}'",
            [("/rows/0", "是 是"), ("/rows/1", "否 否"), ("/rows/2", "否 否")],
        ),
        (
            "for row in rows\n let m = if row.n > 1 then coalesce(min(row.n, 3), 0) else max(row.n, 3)\n"
            " assert false\n message '{m} {min(row.n, 3)} {row.n > 1}'",
            [("/rows/0", "3 3 是"), ("/rows/1", "3 0 否"), ("/rows/2", "（空） 3 （空）")],
        ),
        # computed for the `when`, read again for each element of a loop inside it
        (
            "for row in rows\n when count(rows[it.n > 1]) > 0\n for r in rows\n"
            " assert count(rows[it.n > 1]) > 1\n message '{r.name} {count(rows[it.n > 1])}'",
            [("/rows/0", "a 1"), ("/rows/1", "b 1"), ("/rows/2", "c 1")] * 3,
        ),
        # a condition named by `let`: tested as it is (null skips, false fails)
        (
            "for row in rows\n let ok = row.n > 1\n assert ok\n message '{row.name}'",
            [("/rows/1", "b")],
        ),
        (
            "for row in rows\n let ok = row.flag\n assert ok\n message '{row.name}'",
            [("/rows/1", "b")],
        ),
        (
            "for row in rows\n let ok = row.name\n assert ok\n message '{row.name}'",
            ["T-1: assert needs true or false, got string a (while checking d.json)"],
        ),
    ],
)
def test_a_value_computed_again_is_the_value_computed_first(body, expected):
    assert _messages(body) == expected


def _findings_and_charges(text: str, hoisting: bool, monkeypatch, doc=DOC):
    """The findings (every field) and the budget a rule file's one rule spends; with hoisting off,
    the general path: every expression computed where it stands, each time."""
    from budgetlint.dsl.compiler import ExprCompiler

    with monkeypatch.context() as patch:
        if not hoisting:
            patch.setattr(ExprCompiler, "_hoistable", lambda self, node, scope: None)
        rules, problems = build([parse_rules(text, "t.rules")], None)
    assert not problems, problems
    hoisted = [v for v in rules[0].run.__code__.co_varnames if v[:1] == "h" and v[1:].isdigit()]
    found = rule_findings(Document.in_memory("d.json", doc), type("B", (), {"rules": tuple(rules)})())
    return found, MAX_STEPS - BUDGET[0], hoisted


TWICE = (
    "def twice(x) = x * 2\ndef tolerance(n, a) = if a == 0 then null else n * setting('rounding_per_item')\n"
)


@pytest.mark.parametrize(
    "body",
    [
        # a value of the outer loop's element, computed in the inner loop: for each pair
        "for row in rows\n for x in rows\n assert x.n != row.n * 2 - 5\n"
        " message '{row.name} {x.name} {row.n * 2}'",
        "for row in rows\n for x in rows\n assert twice(row.n) != x.n\n message '{row.name} {x.name}'",
        # first computed in a branch some elements do not take, then where it always is
        "for row in rows\n for x in rows\n let v = if x.flag then row.n * 3 else 0\n assert false\n"
        " message '{v} {row.n * 3} {not (row.n > 1)}'",
        # a definition written out at the call: its parameter's part of the outer loop's element
        "for row in rows\n let k = count(rows[it.n > 0])\n for x in rows\n"
        " assert tolerance(k, x.n) != 0.01\n message '{x.name} {tolerance(k, x.n)}'",
        # a type error only where the loop body runs: not for an empty loop, not when `when`
        # holds for no element, else at the span of the expression's first evaluation
        "for row in rows\n for x in rows[it.n > 100]\n assert -text > 0\n message 'm'",
        "for row in rows\n for x in rows\n when x.n > 100\n assert text * 2 > 0\n message 'm'",
        "for row in rows\n when row.n > 100\n for x in rows\n assert text * 2 > 0\n message 'm'",
        "for row in rows\n for x in rows\n when x.n > 1\n assert false\n message '{x.name}'\n"
        " assert row.name * 2 > 0\n message 'm'",
        "for row in rows\n for x in rows\n assert x.n < 1 or text / 2 > 0\n message '{x.name}'",
        # charges: a loop inside an outer value is not kept (each evaluation charges its length)
        "for row in rows\n for x in rows\n assert count([y for y in rows if y.n > row.n]) > 5\n message 'm'",
        "for row in rows\n for x in rows\n assert count(rows[it.n > 1]) * 2 > 5 and x.n > 0\n message 'm'",
    ],
)
def test_a_value_of_the_outer_loops_gives_what_computing_it_each_time_gives(body, monkeypatch):
    text = f"{TWICE}rule T-1 {{ {META}\n{body}\n}}\n"
    general = _findings_and_charges(text, False, monkeypatch)
    hoisted = _findings_and_charges(text, True, monkeypatch)
    assert not general[2]
    assert hoisted[:2] == general[:2]


def test_the_values_kept_across_a_loop_are_those_of_its_outer_loops(monkeypatch):
    # row.n * 2 kept across the loop over x: each row's own value, never another row's
    text = (
        f"rule T-1 {{ {META}\nfor row in rows\n for x in rows\n assert row.n * 2 != x.n * 1\n"
        " message '{row.name} {x.name} {row.n * 2}'\n}\n"
    )
    found, _, hoisted = _findings_and_charges(text, True, monkeypatch)
    assert hoisted
    assert [(f.pointer, f.message) for f in found] == [("/rows/1", "b b 0")]
