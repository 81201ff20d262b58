"""Issue 16, item 9: one diagnostic type for documents, rule files, config, waivers and case files,
and one way the CLI prints them (budgetlint.api.diagnostics_of, render_error; cli.fail_with)."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetlint.api import BudgetlintError, Diagnostic, diagnostics_of, render_error
from tests.conftest import SAMPLE, run_cli


def test_every_error_class_is_a_diagnostic():
    from budgetlint.cases import CaseError
    from budgetlint.config import ConfigError
    from budgetlint.dsl.syntax_errors import RuleSyntaxError
    from budgetlint.loader import InputError
    from budgetlint.rulebook import RulebookError

    errors = [
        (InputError("a.json", "invalid JSON: x", 3, 4), None, ("a.json", 3, 4, "input")),
        (InputError("w.yaml", "waiver 1: bad", 2, 3), "waivers-file", ("w.yaml", 2, 3, "waivers-file")),
        (ConfigError("select", "'X' matches no rule", "b.toml", 1, 1), None, ("b.toml", 1, 1, "config")),
        (ConfigError("--tolerance", "'abc' is not a number"), None, ("", 0, 0, "config")),
        (CaseError("case 1: bad", "c.cases.yaml", 4, 3), None, ("c.cases.yaml", 4, 3, "case-file")),
        (RulebookError(["r.rules:2:5: unbound name 'x'"]), None, ("r.rules", 2, 5, "rule-file")),
        (
            RuleSyntaxError("r.rules", 1, 3, "the rule ends too early", "rule"),
            None,
            ("r.rules", 1, 3, "rule-file"),
        ),
    ]
    for err, rule, (file, line, column, kind) in errors:
        [d] = diagnostics_of(err, rule)
        assert isinstance(d, Diagnostic) and (d.file, d.line, d.column, d.rule) == (file, line, column, kind)
        assert d.severity == "error"
        assert diagnostics_of(BudgetlintError([d])) == [d]


def test_one_rendering():
    d = Diagnostic("a.json", 3, 4, "", "invalid JSON: x", "error", "input")
    assert render_error(d) == "a.json:3:4: error: invalid JSON: x"  # as InputError.render()
    assert render_error(d._replace(line=0, column=0)) == "a.json: error: invalid JSON: x"
    assert render_error(d._replace(file="", message="--tolerance: bad")) == "budgetlint: --tolerance: bad"
    rule = Diagnostic("r.rules", 2, 5, "", "unbound name 'x'", "error", "rule-file")
    assert render_error(rule) == "r.rules:2:5: unbound name 'x'"  # as the rule checker words it


def test_the_rendering_is_the_errors_own():
    """Each class's own render() and the one rendering agree, so the CLI's text is unchanged."""
    from budgetlint.cases import CaseError
    from budgetlint.config import ConfigError
    from budgetlint.dsl.syntax_errors import RuleSyntaxError
    from budgetlint.loader import InputError

    for err in (
        InputError("a.json", "m", 1, 2),
        InputError("a.json", "m"),
        ConfigError("fail-on", "m", "b.toml", 2, 1),
        CaseError("case 1: m", "c.yaml", 3, 3),
        RuleSyntaxError("r.rules", 1, 3, "m", "rule x"),
    ):
        assert "\n".join(render_error(d) for d in diagnostics_of(err)) == err.render()


@pytest.mark.parametrize(
    ("files", "args", "start"),
    [
        (
            {"w.yaml": "- {document: a.json}\n"},
            ["check", "--no-config", "--waivers", "w.yaml", str(SAMPLE)],
            "w.yaml:1:3: error: waiver 1:",
        ),
        (
            {"budgetlint.toml": "lang = 'fr'\n"},
            ["check", str(SAMPLE)],
            "{tmp}/budgetlint.toml:1:1: error: lang:",
        ),
        ({"budgetlint.toml": "lang = 'fr'\n"}, ["rules"], "{tmp}/budgetlint.toml:1:1: error: lang:"),
        (
            {"budgetlint.toml": "lang = 'fr'\n"},
            ["explain", "PCT-01"],
            "{tmp}/budgetlint.toml:1:1: error: lang:",
        ),
        (
            {"x.cases.yaml": "- {name: x}\n"},
            ["test", "--no-config", "x.cases.yaml"],
            "x.cases.yaml:1:3: error: case 1:",
        ),
        (
            {"b.json": '{\n  "format": 1,\n}'},
            ["check", "--no-config", "--baseline", "b.json", str(SAMPLE)],
            "b.json:3:1: error:",
        ),
        ({"d.json": '{\n  "format": \n'}, ["eval", "1", "d.json"], "d.json:3:1: error: invalid JSON"),
        ({}, ["check", "--no-config", "--tolerance", "abc", str(SAMPLE)], "budgetlint: --tolerance: 'abc'"),
    ],
)
def test_every_command_prints_a_bad_input_the_same_way(tmp_path: Path, files, args, start):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    err = result.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith(start.format(tmp=tmp_path)), err
