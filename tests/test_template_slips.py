"""Issue 16, item 7: a slip in a message template is the rule author's mistake, reported statically at
the template's line:column with exit 2 — never "internal error" (fixed in the parser: a hole that is
not EXPR or EXPR:spec is parsed as an expression and refused)."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE, run_cli

RULE = """\
rule X-01 {{
  title "t"
  title_en "t"
  severity warning
  basis "b"
  assert fiscal_year > 3000
  at fiscal_year
  message "x {hole}"
}}
"""


@pytest.mark.parametrize("hole", ["{fiscal_year:.2f}", "{fiscal_year!r}", "{fiscal_year:>10}"])
def test_a_python_format_spec_is_a_static_error_at_the_template(tmp_path, hole):
    (tmp_path / "x.rules").write_text(RULE.format(hole=hole), encoding="utf-8")
    for args in (("check", "--no-config", "--no-builtin-rules", "--rules", "x.rules", str(SAMPLE)),
                 ("test", "x.rules")):  # fmt: skip
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert "x.rules:8:" in proc.stderr and hole in proc.stderr, proc.stderr
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_the_documented_specs_format(tmp_path):
    (tmp_path / "x.rules").write_text(
        RULE.format(hole="{fiscal_year:d} {0.125:.2} {0.5:%}"), encoding="utf-8"
    )
    proc = run_cli(
        "check", "--no-config", "--no-builtin-rules", "--rules", "x.rules", str(SAMPLE), cwd=tmp_path
    )
    assert "x 2023 0.13 50.00%" in proc.stdout, proc.stdout + proc.stderr
