"""Issue 16, item 4: a rule id is exact; a group is a topic (`PCT`), a wildcard (`PCT-01*`) or a tag."""

from __future__ import annotations

import json

import pytest

from budgetlint.config import Config, matches, rule_selected, severity_for
from tests.conftest import SAMPLE, run_cli


@pytest.mark.parametrize(
    ("selector", "rule", "tags", "expected"),
    [
        ("PCT-01", "PCT-01", (), True),
        ("PCT-01", "PCT-01T", (), False),  # an id is exact
        ("YOY-06", "YOY-06R", (), False),
        ("PCT", "PCT-01T", (), True),  # a topic: the id's part before its first dash
        ("PC", "PCT-01", (), False),
        ("PCT-01*", "PCT-01T", (), True),  # a wildcard
        ("PCT-01*", "PCT-02", (), False),
        ("*-01", "FIX-01", (), True),
        ("three-public", "SG-02", ("three-public",), True),  # a tag
        ("schema", "schema", (), True),
        ("s*", "schema", (), False),  # special ids only by their exact name
    ],
)
def test_selector_spelling(selector, rule, tags, expected):
    assert matches(selector, rule, tags) is expected


def test_selection_and_severity_overrides_are_exact():
    config = Config(ignore=("PCT-01",), severity={"YOY-06": "info", "YOY-0*": "warning", "YOY": "error"})
    assert not rule_selected(config, "PCT-01") and rule_selected(config, "PCT-01T")
    assert severity_for(config, "YOY-06", (), "error") == "info"  # the exact id wins
    assert severity_for(config, "YOY-06R", (), "error") == "warning"  # then a wildcard
    assert severity_for(config, "YOY-10", (), "info") == "error"  # then the topic


def _rules(*args):
    proc = run_cli("check", "--no-config", "--format", "json", *args, str(SAMPLE))
    return {f["rule"] for f in json.loads(proc.stdout)["findings"]}, proc


def test_cli_ids_are_exact_and_groups_have_their_own_spelling():
    # the seed has both PCT-01 and PCT-01T, YOY-06R but no YOY-06 finding
    assert _rules("--select", "PCT-01")[0] == {"PCT-01"}
    assert _rules("--select", "PCT-01*")[0] == {"PCT-01", "PCT-01T"}
    assert {"PCT-01", "PCT-01T"} <= _rules("--select", "PCT")[0]
    assert "PCT-01T" in _rules("--select", "PCT", "--ignore", "PCT-01")[0]
    assert "YOY-06R" in _rules("--select", "YOY", "--ignore", "YOY-06")[0]
    proc = run_cli("check", "--no-config", "--select", "PCT-0", str(SAMPLE))
    assert proc.returncode == 2
    assert "ids are exact: write PCT-0* for the rules whose id starts with PCT-0" in proc.stderr


def test_a_severity_override_of_an_id_leaves_its_suffixed_sibling(tmp_path):
    (tmp_path / "budgetlint.toml").write_text('[severity]\n"PCT-01" = "info"\n', encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--select", "PCT-01*", str(SAMPLE), cwd=tmp_path)
    severities = {(f["rule"], f["severity"]) for f in json.loads(proc.stdout)["findings"]}
    assert severities == {("PCT-01", "info"), ("PCT-01T", "warning")}
