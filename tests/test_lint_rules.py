"""`budgetlint lint-rules` (budgetlint/lint, docs/lint-rules.md): each check finds what it is for at
its file:line:col and nothing in a clean file; `# lint: ignore[CODE]`, --select, --ignore and
--line-length; exit 0 / 1 / 2, a syntax error printed as the loader prints it."""

from __future__ import annotations

import pytest

from budgetlint.lint import LintError, lint_paths, lint_sources
from tests.conftest import run_cli

META = 'title "标题" title_en "Title" severity error basis "依据"'


def _rule(rule_id: str, *steps: str) -> str:
    return f"rule {rule_id} {{\n  {META}\n" + "".join(f"  {s}\n" for s in steps) + "}\n"


CLEAN = _rule(
    "R-1",
    "for i in items",
    "let printed = i.amount",
    "assert printed < 100",
    "message '{i.name} {printed}'",
)


def _found(text: str, code: str, name: str = "r.rules") -> list[str]:
    """file:line:col and message of each finding of one check in one file."""
    return [f"{f.file}:{f.line}:{f.column}: {f.message}" for f in lint_sources([(name, text)], select={code})]


def _places(text: str, code: str) -> list[str]:
    return [p.split(": ", 1)[0] for p in _found(text, code)]


def test_a_clean_file_has_no_finding_but_its_untested_rule():
    assert lint_sources([("r.rules", CLEAN)], cases=None) == []


# --- BL001 line-length ----------------------------------------------------------------------------


def test_a_line_over_the_limit_is_reported_at_the_first_character_past_it():
    long_message = "message '{i.name} " + "x" * 100 + "'"
    text = _rule("R-1", "for i in items", "assert i.amount < 100", long_message)
    [only] = lint_sources([("r.rules", text)], select={"BL001"})
    assert (only.line, only.column) == (5, 121) and f"{len(long_message) + 2} characters" in only.message
    assert lint_sources([("r.rules", text)], select={"BL001"}, line_length=200) == []
    assert _found(CLEAN, "BL001") == []


# --- BL002 positional-read ------------------------------------------------------------------------


def test_a_literal_index_into_a_tuple_the_rules_build_is_reported():
    text = "def pair(i) = [i.name, i.amount]\n" + _rule(
        "R-1",
        "for check in [[tables.a, 1], [tables.b, 2]]",
        "let first = pair(items[0])",
        "let picked = [c for c in [[1, 2]] if c[1] > 0]",
        "assert check[0] == first[1] and count(picked) == 0 and pair(items[-1])[0] == 1",
        "message '{check[1]}'",
    )
    places = _places(text, "BL002")
    assert places == ["r.rules:6:40", "r.rules:7:10", "r.rules:7:22", "r.rules:7:58", "r.rules:8:13"]
    assert "rule R-1: positional read check[0] of a list the rules build" in _found(text, "BL002")[1]


def test_reads_of_the_documents_lists_are_not_positional_reads():
    text = _rule(
        "R-1",
        "let first = tables.revenue.rows[0]",
        "let match = [r for r in items if r.amount > 0][0]",
        "for row in [tables.a, tables.b][it.amount > 0]",  # a filter's result is a list of matches
        "assert first.total == items[-1].amount and match.amount > 0 and present(row)",
        "message '{first.total}'",
    )
    assert _found(text, "BL002") == []


def test_a_filter_of_a_list_of_tuples_binds_it_to_a_tuple():
    text = _rule(
        "R-1", "let rows = [[1, 2], [3, 4]]", "assert count(rows[it[0] > 1]) == 0", "message '{rows}'"
    )
    assert _places(text, "BL002") == ["r.rules:4:21"]


# --- BL003 unused-definition, BL004 unused-let ----------------------------------------------------


def test_a_definition_nothing_calls_or_imports_is_unused():
    common = "def used(x) = x\ndef imported(x) = x\ndef dead(x) = dead(x)\n"
    user = "import imported, used from _common\n" + _rule("R-1", "assert used(1) == 1", "message '{used(1)}'")
    found = lint_sources([("_common.rules", common), ("user.rules", user)], select={"BL003"})
    assert [str(f) for f in found] == [
        "_common.rules:3:1: BL003 definition 'dead' is not used: no rule or definition of the files "
        "linted calls it and no file imports it; delete it"
    ]


def test_a_template_no_rule_is_made_from_is_unused():
    text = (
        "template used(limit) {\n  severity warning basis 'b'\n  assert 1 < limit\n  message '{limit}'\n}\n"
        "template spare(limit) {\n  severity warning basis 'b'\n  assert 1 < limit\n  message '{limit}'\n}\n"
        "rule T-1 = used(2) { title 't' title_en 't' }\n"
    )
    assert _found(text, "BL003") == [
        "r.rules:6:1: template 'spare' is not used: no rule or definition of the files linted calls it "
        "and no file imports it; delete it"
    ]


def test_a_let_that_nothing_later_reads_is_unused_unpacked_names_too():
    text = _rule(
        "R-1",
        "let spare = 1",
        "let {name, amount} = {name: 'a', amount: 2}",
        "let twice = 1",
        "let twice = 2",
        "let _ignored = 3",
        "let x = [x for x in items]",  # the comprehension's own x is not a read of the let
        "assert amount > twice",
        "message '{amount}'",
    )
    assert _found(text, "BL004") == [
        "r.rules:3:3: rule R-1: let 'spare' is not read by a later step or message",
        "r.rules:4:3: rule R-1: let 'name' is not read by a later step or message",
        "r.rules:5:3: rule R-1: let 'twice' is not read by a later step or message",
        "r.rules:8:3: rule R-1: let 'x' is not read by a later step or message",
    ]
    assert _found(CLEAN, "BL004") == []


# --- BL005 untested-rule --------------------------------------------------------------------------

CASES = """\
- name: fails
  rule: R-1
  document: {items: [{name: a, amount: 200}]}
  expect:
    - {rule: R-1, pointer: /items/0}
- name: passes for both
  rule: [R-1, R-2]
  document: {items: [{name: a, amount: 1}]}
  expect: []
"""


def test_a_rule_needs_a_failing_and_a_passing_case(tmp_path):
    (tmp_path / "r.rules").write_text(CLEAN + CLEAN.replace("R-1", "R-2") + CLEAN.replace("R-1", "R-3"))
    (tmp_path / "r.cases.yaml").write_text(CASES)
    found = lint_paths([tmp_path / "r.rules"], display=lambda p: p.name, select={"BL005"})
    assert [(f.line, f.column, f.message.split(" (")[0]) for f in found] == [
        (8, 6, "rule R-2 has no failing case in the *.cases.yaml files linted"),
        (15, 6, "rule R-3 has no failing and a passing case in the *.cases.yaml files linted"),
    ]


# --- BL006 near-duplicate -------------------------------------------------------------------------


def test_rules_that_differ_in_names_and_literals_only_are_near_duplicates():
    one = _rule("R-1", "for i in items", "assert i.amount < 100", "message '{i.name} 过大'")
    two = _rule("R-2", "for x in rows", "assert x.share < 5", "message '{x.label}: too large'")
    other = _rule("R-3", "for x in rows", "assert x.share < 5 and true", "message '{x.label}'")
    found = _found(one + two + other, "BL006")
    assert [f.split(": ", 1)[0] for f in found] == ["r.rules:7:6"]
    assert "rule R-2 has the steps of rule R-1 (r.rules:1:6)" in found[0] and "template" in found[0]


# --- BL007 message-without-figure -----------------------------------------------------------------


def test_a_message_without_a_hole_is_reported():
    text = _rule("R-1", "assert count(items) > 0", "message '没有项目' message_en 'no item {{none}}'")
    assert _places(text, "BL007") == ["r.rules:4:11", "r.rules:4:29"]
    assert _found(CLEAN, "BL007") == []


# --- BL008 shadowed-builtin, BL009 builtin-name-bound ---------------------------------------------


def test_a_definition_named_like_a_builtin_is_reported_not_refused():
    text = "def sum(x) = 42\ndef fine(count) = count\n" + _rule(
        "R-1", "let max = 1", "for {min} in items", "assert [len for len in items] == max", "message '{min}'"
    )
    found = [str(f) for f in lint_sources([("r.rules", text)], select={"BL008", "BL009"})]
    assert found[0] == (
        "r.rules:1:1: BL008 definition 'sum' has the name of a built-in function: the loader refuses it; "
        "choose another name"
    )
    assert [f.split(": BL")[0] for f in found[1:]] == [
        "r.rules:2:1",
        "r.rules:5:3",
        "r.rules:6:3",
        "r.rules:7:10",
    ]
    assert "let name 'max' is also a built-in function's name" in found[2]


# --- ignore comments, options, exit codes ---------------------------------------------------------


def test_a_lint_ignore_comment_silences_the_codes_it_names_on_its_line():
    text = _rule(
        "R-1",
        "let spare = 1  # lint: ignore[BL004]",
        "let other = 2  # lint: ignore[line-length, BL001]",
        "assert true",
        "message 'x'  # lint: ignore[BL007]",
    )
    codes = [(f.line, f.code) for f in lint_sources([("r.rules", text)])]
    assert codes == [(4, "BL004")]


def test_select_and_ignore_take_codes_or_names():
    text = _rule("R-1", "let spare = 1", "assert true", "message 'x'")
    assert {f.code for f in lint_sources([("r.rules", text)], select={"BL004", "BL007"})} == {
        "BL004",
        "BL007",
    }
    assert {f.code for f in lint_sources([("r.rules", text)], ignore={"BL004"})} == {"BL007"}


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "r.rules").write_text(CLEAN + CLEAN.replace("R-1", "R-2").replace("< 100", "> 1 and true"))
    both = "    - {rule: R-1, pointer: /items/0}\n    - {rule: R-2, pointer: /items/0}"
    cases = CASES.replace("rule: R-1\n", "rule: [R-1, R-2]\n")
    (tmp_path / "r.cases.yaml").write_text(cases.replace("    - {rule: R-1, pointer: /items/0}", both))
    return tmp_path


def test_exit_0_and_no_output_for_clean_files(folder):
    proc = run_cli("lint-rules", ".", cwd=folder)
    assert (proc.returncode, proc.stdout) == (0, ""), proc.stderr
    assert "No problems found" in proc.stderr


def test_exit_1_with_sorted_lint_lines(folder):
    (folder / "more.rules").write_text(_rule("M-1", "let spare = 1", "assert true", "message 'x'"))
    proc = run_cli("lint-rules", ".", "--ignore", "BL005", cwd=folder)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "more.rules:3:3: BL004 rule M-1: let 'spare' is not read by a later step or message",
        "more.rules:5:11: BL007 rule M-1: message has no {…} hole; name the figure or the text it is "
        "about, e.g. {printed} or {item.name}",
    ]
    assert (
        run_cli("lint-rules", ".", "--select", "unused-let", "--ignore", "BL004", cwd=folder).returncode == 0
    )


def test_line_length_option(folder):
    proc = run_cli("lint-rules", "r.rules", "--line-length", "40", "--select", "BL001", cwd=folder)
    assert proc.returncode == 1 and proc.stdout.startswith("r.rules:2:41: BL001 line is ")


def test_a_syntax_error_exits_2_with_its_place_and_caret(folder):
    (folder / "bad.rules").write_text("rule A-1 { message 'm' assert x }\n")
    proc = run_cli("lint-rules", ".", cwd=folder)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "bad.rules:1:12: syntax error: 'message' belongs to an assert" in proc.stderr
    assert "^" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--select", "BL999"), "--select: no check 'BL999'"),
        (("--line-length", "0"), "--line-length"),
        (("nowhere",), "does not exist"),
        (("r.cases.yaml",), "not a rule file"),
    ],
)
def test_usage_errors_exit_2(folder, args, message):
    proc = run_cli(
        "lint-rules", *([] if args[0] in ("nowhere", "r.cases.yaml") else ["."]), *args, cwd=folder
    )
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_lint_error_lists_every_file_that_does_not_parse():
    with pytest.raises(LintError) as info:
        lint_sources([("a.rules", "rule {"), ("b.rules", "def x = ")])
    assert [p.split(":")[0] for p in info.value.problems] == ["a.rules", "b.rules"]


def test_a_definition_the_loader_refuses_is_a_lint_line_not_a_crash(folder):
    (folder / "more.rules").write_text("def count(x) = 1\n")
    proc = run_cli("lint-rules", "more.rules", "--select", "BL008", cwd=folder)
    assert proc.returncode == 1 and proc.stdout.startswith(
        "more.rules:1:1: BL008 definition 'count' has the name"
    )


def test_a_finding_in_a_message_hole_is_placed_at_the_hole():
    text = _rule(
        "R-1", "let p = [1, 2]", "assert true", "message 'a {p} b {{x}} {p[0]}' message_en \"{p[1]}\""
    )
    assert _places(text, "BL002") == ["r.rules:5:27", "r.rules:5:47"]


def test_a_hole_in_a_later_string_of_a_message_is_placed_at_its_own_line_and_column():
    text = _rule("R-1", "let p = [1, 2]", "assert true", "message 'x {p[0]}' # {p[9]}", "  'y' \"{p}{p[1]}\"")
    assert _places(text, "BL002") == ["r.rules:5:15", "r.rules:6:14"]


# --- the config's lint-rules table ----------------------------------------------------------------


def _long_and_unused(folder):
    """more.rules: a 76-character line (BL001 under line-length 60), an unused let (BL004), a message
    without a hole (BL007), an untested rule (BL005)."""
    (folder / "more.rules").write_text(
        _rule("M-1", "let spare = 1", "assert true", "message 'x' # " + "y" * 60)
    )


def _codes(proc) -> list[str]:
    return [line.split()[1] for line in proc.stdout.splitlines()]


@pytest.mark.parametrize(
    ("name", "table"),
    [
        ("budgetlint.toml", "[lint-rules]\n"),
        ("pyproject.toml", "[project]\nname = 'x'\n\n[tool.budgetlint.lint-rules]\n"),
    ],
)
def test_the_config_table_sets_line_length_select_and_ignore(folder, name, table):
    _long_and_unused(folder)
    assert _codes(run_cli("lint-rules", "more.rules", cwd=folder)) == ["BL005", "BL004", "BL007"]
    (folder / name).write_text(
        table + "line-length = 60\nselect = ['BL001', 'unused-let', 'BL007']\nignore = 'BL007'\n"
    )
    proc = run_cli("lint-rules", "more.rules", cwd=folder)
    assert proc.returncode == 1 and _codes(proc) == ["BL004", "BL001"], proc.stderr
    assert proc.stdout.splitlines()[1].startswith(
        "more.rules:5:61: BL001 line is 76 characters long (limit 60)"
    )


def test_the_options_override_the_config_table(folder):
    _long_and_unused(folder)
    (folder / "budgetlint.toml").write_text(
        "[lint-rules]\nline-length = 60\nselect = ['BL001', 'BL004']\nignore = ['BL007', 'untested-rule']\n"
    )
    lint = lambda *args: _codes(run_cli("lint-rules", "more.rules", *args, cwd=folder))  # noqa: E731
    assert lint() == ["BL004", "BL001"]
    assert lint("--line-length", "80") == ["BL004"]  # --line-length replaces the config's
    assert lint("--select", "BL004,BL005") == ["BL005", "BL004"]  # --select replaces its select …
    assert lint("--select", "message-without-figure") == ["BL007"]  # … and runs a check it ignores
    assert lint("--ignore", "BL004") == ["BL001"]  # --ignore adds to its ignore
    assert lint("--no-config") == ["BL005", "BL004", "BL007"]
    elsewhere = folder / "elsewhere.toml"
    elsewhere.write_text("[lint-rules]\nselect = ['BL007']\n")
    assert lint("--config", str(elsewhere)) == ["BL007"]


@pytest.mark.parametrize(
    ("text", "start", "fragment"),
    [
        (
            "[lint-rules]\nline-lenght = 50\n",
            ":2:1: error: lint-rules.line-lenght:",
            "did you mean 'line-length'?",
        ),
        (
            "lint-rules.colour = 'red'\n",
            ":1:1: error: lint-rules.colour: unknown key",
            "line-length, select, ignore",
        ),
        ("[lint-rules]\nline-length = 0\n", ":2:1: error: lint-rules.line-length:", "≥ 1, got 0"),
        ("[lint-rules]\nline-length = '80'\n", ":2:1: error: lint-rules.line-length:", "got '80'"),
        ("[lint-rules]\nignore = [3]\n", ":2:1: error: lint-rules.ignore[0]:", "non-empty strings"),
        (
            "# checks\n[lint-rules]\n\nselect = ['BL001', 'nope']\n",
            ":4:1: error: lint-rules.select:",
            "no check 'nope'",
        ),
        ("lint-rules = 120\n", ":1:1: error: lint-rules:", "expected a table"),
    ],
)
def test_a_bad_lint_rules_table_is_an_error_at_its_line_for_every_command(folder, text, start, fragment):
    from tests.conftest import SAMPLE

    path = folder / "budgetlint.toml"
    path.write_text(text, encoding="utf-8")
    for args in (("lint-rules", "r.rules"), ("check", str(SAMPLE))):
        proc = run_cli(*args, cwd=folder)
        err = proc.stderr.strip()
        assert proc.returncode == 2 and len(err.splitlines()) == 1, err
        assert err.startswith(str(path) + start) and fragment in err, err
        assert "Traceback" not in err
    assert run_cli("lint-rules", "r.rules", "--no-config", cwd=folder).returncode == 0


def test_the_config_reads_check_names_as_their_codes(tmp_path):
    from budgetlint.config import LintRulesConfig, load_config

    (tmp_path / "budgetlint.toml").write_text(
        "select = ['PCT']\n\n[lint-rules]\nselect = 'unused-let, BL002'\n"
    )
    config = load_config(start=tmp_path)
    assert config.lint_rules == LintRulesConfig(None, ("BL002", "BL004"), ())
    assert config.select == ("PCT",)
    assert load_config(use_files=False).lint_rules == LintRulesConfig()


def test_the_builtin_rulebook_passes_with_the_strict_default_settings():
    # issue 13's acceptance: 0 lines over 120 characters, 0 positional reads of a record, 0
    # near-duplicate rules, every rule with a failing and a passing case, every message naming
    # its figures — on rules/ as shipped (CI runs `budgetlint lint-rules rules/` too)
    from budgetlint.resources import rules_dir

    result = run_cli("lint-rules", "--no-config", str(rules_dir()))
    assert result.returncode == 0, result.stdout + result.stderr
